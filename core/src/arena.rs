//! The per-thread arena pool: one message's JSON tree and walk buffers live in memory the
//! thread already has.

use bumpalo::Bump;

/// An arena for one message, borrowed from this thread's pool and returned (emptied) on drop.
///
/// Verifying a callback then costs no large allocation: the tree, the parser's stacks and the
/// signature walk's buffers live in memory the thread already has. At most one arena of up to
/// [`POOL_KEEP_BYTES`] is kept per thread; a bigger one (a huge message) is freed instead.
pub(crate) struct Arena(Option<Bump>);

/// The largest arena a thread keeps for reuse.
const POOL_KEEP_BYTES: usize = 64 * 1024;

thread_local! {
    static POOL: std::cell::Cell<Option<Bump>> = const { std::cell::Cell::new(None) };
}

/// An empty arena for a message of `len` bytes (from this thread's pool when it has one).
pub(crate) fn arena(len: usize) -> Arena {
    let want = len.saturating_mul(3).saturating_add(4096).min(1 << 20);
    let pooled = POOL.try_with(|p| p.take()).ok().flatten();
    Arena(Some(match pooled {
        Some(bump) if bump.chunk_capacity() >= want => bump,
        _ => Bump::with_capacity(want),
    }))
}

impl std::ops::Deref for Arena {
    type Target = Bump;
    fn deref(&self) -> &Bump {
        self.0.as_ref().expect("an arena is present until dropped")
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        if let Some(mut bump) = self.0.take() {
            bump.reset();
            if bump.allocated_bytes() <= POOL_KEEP_BYTES {
                // A thread being torn down has no pool: the arena is simply freed.
                let _ = POOL.try_with(|p| p.set(Some(bump)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pooled_bytes() -> Option<usize> {
        POOL.with(|p| {
            let bump = p.take();
            let bytes = bump.as_ref().map(Bump::allocated_bytes);
            p.set(bump);
            bytes
        })
    }

    #[test]
    fn arena_pool_reuses_small_arenas_and_frees_big_ones() {
        {
            let a = arena(100);
            a.alloc_slice_fill_copy(200_000, 0u8);
        }
        // A grown arena beyond the limit is freed, not kept.
        assert!(pooled_bytes().is_none_or(|n| n <= POOL_KEEP_BYTES));
        {
            let a = arena(100);
            a.alloc(1u8);
        }
        let kept = pooled_bytes().expect("a small arena goes back to the pool");
        assert!(kept <= POOL_KEEP_BYTES);
        // The next message gets it back, empty, and parses into it correctly.
        let a = arena(100);
        assert!(pooled_bytes().is_none(), "taken from the pool");
        let node = crate::json::Node::parse(r#"{"k":"v"}"#, &a).unwrap();
        assert_eq!(node.get("k"), Some(&crate::json::Node::Str("v")));
    }
}
