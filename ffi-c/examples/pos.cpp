// A point-of-sale style program: sells through the Gate, sends the customer to the partner,
// takes the platform's callbacks, and refunds, persisting the payment's snapshot to a file
// between every step (as a till would to survive a restart). The platform is the sandbox.
//
// Build and run (see ffi-c/README.md):
//   cmake -S ffi-c -B build/ffi -DWP_BUILD_EXAMPLES=ON && cmake --build build/ffi && build/ffi/pos state.json
#include "wallet_partner.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace wp = wallet_partner;

namespace {

const uint64_t PROJECT_ID = 48039;
const char *SECRET = "pos-demo-secret";  // in a real till: from the secure config store

// The till's clock; the library never reads one itself.
uint64_t now_ms = 1764320400000ULL;

void save(const std::string &path, const wp::Payment &payment) {
    std::ofstream out(path.c_str(), std::ios::trunc);
    out << payment.snapshot();
}

wp::Payment load(const std::string &path, const wp::Project &project) {
    std::ifstream in(path.c_str());
    std::stringstream ss;
    ss << in.rdbuf();
    return wp::Payment::restore(project, ss.str());
}

void show(const char *what, const wp::Payment &payment, const wp::Step *step) {
    std::cout << what << ": state " << wp::to_string(payment.state()) << ", version " << payment.version();
    if (step) {
        std::cout << " (" << step->outcome_name();
        for (std::size_t i = 0; i < step->action_count(); i++) std::cout << ", " << step->action_name(i);
        std::cout << ")";
    }
    std::cout << "\n";
}

}  // namespace

int main(int argc, char **argv) {
    const std::string state_file = argc > 1 ? argv[1] : "pos-state.json";
    try {
        wp::Project project(PROJECT_ID, SECRET);
        wp::Sandbox platform(PROJECT_ID, SECRET, 42);
        std::cout << "wallet_partner " << wp_version() << ", POS till, snapshots in " << state_file << "\n";

        // 1. Ring up a sale and persist it before anything goes on the wire.
        {
            wp::Payment payment(project,
                                "{\"payment_id\":\"till3-000042\",\"amount\":249900,\"description\":\"Till 3 receipt 42\","
                                "\"customer\":{\"id\":\"loyalty-7781\",\"ip_address\":\"203.0.113.7\",\"first_name\":\"Priya\","
                                "\"last_name\":\"Nair\",\"phone\":\"919812345678\",\"email\":\"priya@example.in\"},"
                                "\"return_url\":{\"success\":\"https://pos.example.in/done\"}}");
            wp::Request sale = payment.gate_sale(now_ms);
            save(state_file, payment);
            std::cout << "POST " << sale.url() << "\n  " << sale.body() << "\n";
            wp::Answer answer = platform.handle(sale);  // the till's own HTTP client, here the sandbox
            now_ms += 400;
            wp::Step step = payment.on_response(answer.http_status, answer.body, now_ms);
            show("sale answered", payment, &step);
            save(state_file, payment);
        }

        // 2. Callbacks arrive at the till's webhook; each is verified, applied and persisted.
        for (const std::string &body : platform.complete_sale("till3-000042", WP_SALE_REDIRECT_THEN_SUCCESS)) {
            now_ms += 5000;
            wp::Payment payment = load(state_file, project);
            wp::Callback callback = project.verify_callback(body);
            wp::Step step = payment.apply(callback, now_ms);
            show(("callback " + callback.payment_status()).c_str(), payment, &step);
            for (std::size_t i = 0; i < step.action_count(); i++) {
                if (step.action_kind(i) == WP_ACTION_REDIRECT_CUSTOMER) {
                    std::string html = step.action_redirect_html(i);
                    std::cout << "  show the customer the partner page (" << html.size() << " bytes of HTML)\n";
                }
            }
            save(state_file, payment);
            std::cout << "  answer HTTP " << step.http_status() << "\n";
        }

        // 3. A forged callback is refused and changes nothing.
        try {
            project.verify_callback("{\"payment\":{\"id\":\"till3-000042\",\"status\":\"decline\"},\"signature\":\"Zm9yZ2Vk\"}");
        } catch (const wp::Error &e) {
            std::cout << "forged callback refused: " << e.code() << " " << e.what() << " -> answer HTTP 400\n";
        }

        // 4. The customer returns the goods: full refund.
        {
            wp::Payment payment = load(state_file, project);
            now_ms += 3600000;
            wp::Request refund = payment.refund("Goods returned at till 3", now_ms);
            save(state_file, payment);
            wp::Answer answer = platform.handle(refund);
            wp::Step step = payment.on_response(answer.http_status, answer.body, now_ms);
            show("refund answered", payment, &step);
            save(state_file, payment);
        }
        for (const std::string &body : platform.complete_refund("till3-000042", WP_REFUND_SUCCESS)) {
            wp::Payment payment = load(state_file, project);
            wp::Step step = payment.apply(project.verify_callback(body), now_ms + 2000);
            show("refund callback", payment, &step);
            save(state_file, payment);
        }

        wp::Payment final_payment = load(state_file, project);
        std::cout << "final state: " << wp::to_string(final_payment.state()) << "\n";
        return final_payment.state() == wp::State::Refunded ? 0 : 1;
    } catch (const wp::Error &e) {
        std::cerr << "error " << e.code() << ": " << e.what() << "\n";
        return 2;
    }
}
