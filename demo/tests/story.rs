//! The demo tells the whole story: every state change and what caused each version bump.

use std::process::Command;

#[test]
fn the_demo_prints_every_state_change_and_each_versions_cause() {
    let out = Command::new(env!("CARGO_BIN_EXE_wallet-partner-demo"))
        .output()
        .expect("the demo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    for line in [
        "⇒ still created (version 1 → 2: the sale request is recorded as in flight",
        "⇒ created → pending (version 2 → 3:",
        "⇒ pending → redirected (version 3 → 4:",
        "⇒ redirected → succeeded (version 4 → 5:",
        "⇒ succeeded → refund_pending (version 5 → 6: the refund is requested",
        "⇒ accepted, waiting for the refund callback (still refund_pending) (version 6 → 7:",
        "⇒ refund_pending → refunded (version 7 → 8:",
        "⇒ duplicate (version 8 unchanged: nothing to save)",
        "a second refund request: refused with error 1007",
        "⇒ pending → declined (version 3 → 4:",
        "error 2002",
        "\"awaiting redirect result\" callback → stale",
    ] {
        assert!(
            text.contains(line),
            "the demo no longer prints {line:?}:\n{text}"
        );
    }
    // Every version is explained: no bare "(version N)" left.
    for (i, _) in text.match_indices("(version ") {
        let rest = &text[i + "(version ".len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        assert!(
            !rest[digits..].starts_with(')'),
            "a version without its cause: {}",
            &text[i..i + 20]
        );
    }
    assert!(!text.contains("example.invalid") && !text.contains("demo-secret-key"));
}
