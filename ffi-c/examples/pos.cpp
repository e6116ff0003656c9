// A point-of-sale style program: sells through the Gate, sends the customer to the partner,
// takes the platform's callbacks, and refunds, persisting the payment's snapshot to a file
// between every step (as a till would to survive a restart). The platform is the sandbox.
//
// Build and run (see ffi-c/README.md):
//   cmake -S ffi-c -B build/ffi -DWP_BUILD_EXAMPLES=ON && cmake --build build/ffi && build/ffi/pos state.json
//
// HTTP mode (built when CMake finds libcurl): `pos --http http://127.0.0.1:8765 state.json` talks
// to `wallet-partner serve` over real HTTP. A till behind NAT cannot receive webhooks, so it
// sends the sale, shows the partner URL, and polls the status endpoint until the payment is
// final, then refunds and polls again.
#include "wallet_partner.hpp"

#ifdef WP_POS_HTTP
#include <curl/curl.h>
#include <unistd.h>
#endif

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

const char *ORDER =
    "{\"payment_id\":\"till3-000042\",\"amount\":249900,\"description\":\"Till 3 receipt 42\","
    "\"customer\":{\"id\":\"loyalty-7781\",\"ip_address\":\"203.0.113.7\",\"first_name\":\"Priya\","
    "\"last_name\":\"Nair\",\"phone\":\"919812345678\",\"email\":\"priya@example.in\"},"
    "\"return_url\":{\"success\":\"https://pos.example.in/done\"}}";

#ifdef WP_POS_HTTP
// The till's HTTP client: libcurl, sending the library's requests exactly as built.
size_t collect(char *data, size_t size, size_t n, void *out) {
    static_cast<std::string *>(out)->append(data, size * n);
    return size * n;
}

// POSTs a request; false when no answer came (connection refused, timeout): the outcome is
// then unknown and the library is told so (on_transport_failure).
bool post(const wp::Request &request, uint16_t *status, std::string *body) {
    CURL *curl = curl_easy_init();
    if (!curl) return false;
    struct curl_slist *headers = NULL;
    std::vector<std::pair<std::string, std::string> > hs = request.headers();
    for (std::size_t i = 0; i < hs.size(); i++) headers = curl_slist_append(headers, (hs[i].first + ": " + hs[i].second).c_str());
    const std::string url = request.url(), payload = request.body();
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    body->clear();
    CURLcode rc = curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    *status = static_cast<uint16_t>(code);
    return rc == CURLE_OK;
}

// Sends a request and feeds the answer (or its absence) to the payment; persists after.
wp::Step exchange(wp::Payment &payment, const wp::Request &request, const std::string &state_file) {
    uint16_t status = 0;
    std::string body;
    bool answered = post(request, &status, &body);
    now_ms += 300;
    wp::Step step = answered ? payment.on_response(status, body, now_ms) : payment.on_transport_failure(now_ms);
    save(state_file, payment);
    return step;
}

// Polls the status endpoint until the payment leaves the waiting states.
void poll_until_final(wp::Payment &payment, const std::string &state_file, bool *shown) {
    for (int i = 0; i < 400; i++) {
        wp::State s = payment.state();
        if (s == wp::State::Succeeded || s == wp::State::Declined || s == wp::State::Refunded) return;
        usleep(25000);
        now_ms += 1000;
        wp::Step step = exchange(payment, payment.status_request(now_ms), state_file);
        for (std::size_t a = 0; a < step.action_count(); a++) {
            if (step.action_kind(a) == WP_ACTION_REDIRECT_CUSTOMER && !*shown) {
                std::string html = step.action_redirect_html(a);
                std::size_t at = html.find("action=\"");
                std::size_t end = at == std::string::npos ? at : html.find('"', at + 8);
                std::cout << "show the customer the partner page: "
                          << (end == std::string::npos ? std::string("(in the redirect HTML)") : html.substr(at + 8, end - at - 8))
                          << "\n";
                *shown = true;
            }
        }
    }
}

int run_http(const std::string &base, const std::string &state_file) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = 1;
    try {
        wp::Project project(PROJECT_ID, SECRET, base);
        std::cout << "wallet_partner " << wp_version() << ", POS till over HTTP to " << base << "\n";
        wp::Payment payment(project, ORDER);
        wp::Request sale = payment.gate_sale(now_ms);
        save(state_file, payment);  // persisted before it goes on the wire
        wp::Step step = exchange(payment, sale, state_file);
        show("sale answered", payment, &step);
        bool shown = false;
        poll_until_final(payment, state_file, &shown);
        show("sale final", payment, NULL);
        if (payment.state() == wp::State::Succeeded) {
            now_ms += 3600000;
            wp::Request refund = payment.refund("Goods returned at till 3", now_ms);
            save(state_file, payment);
            step = exchange(payment, refund, state_file);
            show("refund answered", payment, &step);
            poll_until_final(payment, state_file, &shown);
        }
        wp::Payment final_payment = load(state_file, project);
        std::cout << "final state: " << wp::to_string(final_payment.state()) << "\n";
        rc = final_payment.state() == wp::State::Refunded ? 0 : 1;
    } catch (const wp::Error &e) {
        std::cerr << "error " << e.code() << ": " << e.what() << "\n";
        rc = 2;
    }
    curl_global_cleanup();
    return rc;
}
#endif

}  // namespace

int main(int argc, char **argv) {
    if (argc > 1 && std::string(argv[1]) == "--http") {
#ifdef WP_POS_HTTP
        if (argc < 3) {
            std::cerr << "usage: pos --http BASE_URL [STATE_FILE]\n";
            return 2;
        }
        return run_http(argv[2], argc > 3 ? argv[3] : "pos-state.json");
#else
        std::cerr << "pos: built without libcurl, so without the HTTP mode\n";
        return 2;
#endif
    }
    const std::string state_file = argc > 1 ? argv[1] : "pos-state.json";
    try {
        wp::Project project(PROJECT_ID, SECRET);
        wp::Sandbox platform(PROJECT_ID, SECRET, 42);
        std::cout << "wallet_partner " << wp_version() << ", POS till, snapshots in " << state_file << "\n";

        // 1. Ring up a sale and persist it before anything goes on the wire.
        {
            wp::Payment payment(project, ORDER);
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
