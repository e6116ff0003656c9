// GoogleTest suite of the C API through the C++11 wrapper: the shared tests/vectors signature
// cases and lifecycle scripts (the same files as Rust, Python and Kotlin), threads sharing one
// project, and the RAII wrapper's behaviour. Built with ASan/UBSan in CI.
#include "wallet_partner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <dirent.h>

namespace wp = wallet_partner;
using nlohmann::json;

namespace {

json load(const std::string &name) {
    std::ifstream in(std::string(WP_VECTORS) + "/" + name);
    EXPECT_TRUE(in.good()) << name;
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
}

/* The .json files of a tests/vectors subdirectory, as "subdir/name", sorted. */
std::vector<std::string> json_files(const std::string &subdir) {
    std::vector<std::string> out;
    std::string dir = std::string(WP_VECTORS) + "/" + subdir;
    DIR *d = opendir(dir.c_str());
    if (!d) return out;
    while (dirent *e = readdir(d)) {
        std::string n = e->d_name;
        if (n.size() > 5 && n.substr(n.size() - 5) == ".json") out.push_back(subdir + "/" + n);
    }
    closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST(SignatureVectors, OfficialSdkCases) {
    json cases = load("official-sdk-cases.json");
    int checked = 0;
    for (const json &c : cases) {
        std::string kind = c["kind"];
        std::string id = c["id"];
        if (kind == "sign" || kind == "string_to_sign" || kind == "payment_page_url") {
            if (c.contains("string_to_sign")) { EXPECT_EQ(wp::canonical_string(c["params"].dump()), c["string_to_sign"].get<std::string>()) << id; }
            if (kind != "string_to_sign") { EXPECT_EQ(wp::sign(c["params"].dump(), c["secret"]), c["signature"].get<std::string>()) << id; }
        } else {
            std::string secret = c["secret"];
            std::string body = c["body"];
            wp_result got = WP_OK;
            try {
                wp::verify(body, secret);
            } catch (const wp::Error &e) {
                got = e.code();
            }
            if (c["valid"].get<bool>()) {
                EXPECT_EQ(got, WP_OK) << id;
            } else {
                EXPECT_EQ(got, c["error_code"].get<wp_result>()) << id;
            }
        }
        checked++;
    }
    EXPECT_EQ(checked, 53);
}

TEST(SignatureVectors, SignedCorpus) {
    json corpus = load("signed-corpus.json");
    ASSERT_EQ(corpus.size(), 100u);
    for (const json &c : corpus) {
        std::string params = c["params"].dump();
        EXPECT_EQ(wp::canonical_string(params), c["string_to_sign"].get<std::string>());
        EXPECT_EQ(wp::sign(params, c["secret"]), c["signature"].get<std::string>());
        EXPECT_EQ(wp::sign_string(c["string_to_sign"], c["secret"]), c["signature"].get<std::string>());
        json msg = c["params"];
        if (msg.contains("general")) { msg["general"]["signature"] = c["signature"]; }
        else { msg["signature"] = c["signature"]; }
        EXPECT_NO_THROW(wp::verify(msg.dump(), c["secret"]));
        try {
            wp::verify(msg.dump(), c["secret"].get<std::string>() + "x");
            ADD_FAILURE() << "verified with the wrong secret";
        } catch (const wp::Error &e) {
            EXPECT_EQ(e.code(), WP_ERR_INVALID_SIGNATURE);
        }
    }
}

TEST(SignatureVectors, HandWritten) {
    json v = load("signature-cases.json");
    for (const json &c : v["canonical"]) {
        // The C API takes JSON text, so even the float cases keep their received text.
        EXPECT_EQ(wp::canonical_string(c["params_json"]), c["canonical"].get<std::string>()) << c["name"];
        EXPECT_EQ(wp::sign(c["params_json"], c["secret"]), c["signature"].get<std::string>()) << c["name"];
    }
    for (const json &c : v["verify"]) {
        wp_result got = WP_OK;
        try {
            wp::verify(c["body"], c["secret"]);
        } catch (const wp::Error &e) {
            got = e.code();
        }
        if (c["valid"].get<bool>()) { EXPECT_EQ(got, WP_OK) << c["name"]; }
        else { EXPECT_EQ(got, c["error_code"].get<wp_result>()) << c["name"]; }
    }
}

namespace {

std::string body_of(const json &step, const std::string &secret) {
    if (step.contains("body_text")) return step["body_text"];
    json msg = step.contains("message") ? step["message"] : step["body"];
    std::string how = step.value("sign", "none");
    if (how == "valid") { msg["signature"] = wp::sign(msg.dump(), secret); }
    if (how == "wrong_key") { msg["signature"] = wp::sign(msg.dump(), "not-the-secret"); }
    return msg.dump();
}

void run_script(const std::string &file) {
    json c = load(file);
    std::string name = c["name"];
    std::string secret = c["secret"];
    wp::Project project(c["project_id"].get<uint64_t>(), secret);
    if (c.contains("create_error")) {
        try {
            wp::Payment p(project, c["order"].dump());
            ADD_FAILURE() << name << ": expected an error";
        } catch (const wp::Error &e) {
            EXPECT_EQ(e.code(), c["create_error"].get<wp_result>()) << name;
        }
        return;
    }
    wp::Payment payment(project, c["order"].dump());
    uint64_t now = c["start_ms"];
    size_t i = 0;
    for (const json &step : c["steps"]) {
        std::string what = step["do"];
        std::string ctx = name + " step " + std::to_string(i++) + " (" + what + ")";
        now += step.value("advance_ms", 0u);
        const json &expect = step["expect"];
        std::string before = payment.snapshot();
        std::unique_ptr<wp::Step> result;
        wp_result error = WP_OK;
        try {
            if (what == "gate_sale") {
                wp::Request r = payment.gate_sale(now);
                if (expect.contains("request_path")) {
                    std::string path = expect["request_path"];
                    EXPECT_EQ(r.url().substr(r.url().size() - path.size()), path) << ctx;
                }
            } else if (what == "payment_page_url") {
                std::string url = payment.payment_page_url(now);
                for (const json &part : expect.value("url_contains", json::array()))
                    EXPECT_NE(url.find(part.get<std::string>()), std::string::npos) << ctx;
            } else if (what == "response") {
                result.reset(new wp::Step(payment.on_response(step["http_status"], body_of(step, secret), now)));
            } else if (what == "transport_failure") {
                result.reset(new wp::Step(payment.on_transport_failure(now)));
            } else if (what == "callback") {
                wp::Callback cb = project.verify_callback(body_of(step, secret));
                result.reset(new wp::Step(payment.apply(cb, now)));
            } else if (what == "refund") {
                const json &r = step["refund"];
                payment.refund(r["description"], now, r.value("amount", 0u));
            } else if (what == "deadline") {
                result.reset(new wp::Step(payment.on_deadline(now)));
            } else if (what == "snapshot_roundtrip") {
                wp::Payment restored = wp::Payment::restore(project, before);
                EXPECT_EQ(restored.snapshot(), before) << ctx;
                payment = std::move(restored);
            } else if (what != "check_state") {
                ADD_FAILURE() << ctx << ": unknown step";
            }
        } catch (const wp::Error &e) {
            error = e.code();
        }
        if (expect.contains("error")) {
            EXPECT_EQ(error, expect["error"].get<wp_result>()) << ctx;
            EXPECT_EQ(payment.snapshot(), before) << ctx << ": an error changed the payment";
        } else {
            EXPECT_EQ(error, WP_OK) << ctx;
            if (expect.contains("outcome")) {
                ASSERT_TRUE(result) << ctx;
                EXPECT_EQ(std::string(result->outcome_name()), expect["outcome"].get<std::string>()) << ctx;
                if (expect.contains("reason")) {
                    EXPECT_EQ(std::string(result->reason_name()), expect["reason"].get<std::string>()) << ctx;
                }
            }
            if (expect.contains("actions")) {
                ASSERT_TRUE(result) << ctx;
                std::vector<std::string> got;
                for (size_t k = 0; k < result->action_count(); k++) got.push_back(result->action_name(k));
                EXPECT_EQ(got, expect["actions"].get<std::vector<std::string> >()) << ctx;
            }
        }
        if (expect.contains("state")) { EXPECT_EQ(std::string(wp::to_string(payment.state())), expect["state"].get<std::string>()) << ctx; }
        json data = json::parse(payment.state_json());
        if (expect.contains("decline_code")) { EXPECT_EQ(data["state"]["code"], expect["decline_code"]) << ctx; }
        if (expect.contains("decline_reason")) { EXPECT_EQ(data["state"]["reason"], expect["decline_reason"]) << ctx; }
        if (expect.contains("refund_attempts")) {
            std::vector<std::string> got;
            for (const json &r : data["refunds"]) got.push_back(r["outcome"]["result"]);
            EXPECT_EQ(got, expect["refund_attempts"].get<std::vector<std::string> >()) << ctx;
        }
    }
}

}  // namespace

/* Snapshots written by released versions restore with the same state, version, deadline and
 * refund attempts; their callbacks replay as duplicates; a refund is allowed where it was. */
TEST(Snapshots, ReleasedSnapshotsRestore) {
    std::vector<std::string> files = json_files("snapshots");
    ASSERT_GE(files.size(), 10u);
    const uint64_t later = 1764320400000ull + 86400000ull;
    for (const std::string &f : files) {
        SCOPED_TRACE(f);
        json c = load(f);
        const json &expect = c["expect"];
        wp::Project project(c["project_id"].get<uint64_t>(), c["secret"].get<std::string>());
        std::string text = c["snapshot"];
        wp::Payment payment = wp::Payment::restore(project, text);
        EXPECT_EQ(std::string(wp::to_string(payment.state())), expect["state"].get<std::string>());
        EXPECT_EQ(payment.version(), expect["version"].get<uint64_t>());
        uint64_t deadline = 0;
        bool has = payment.next_deadline(&deadline);
        EXPECT_EQ(has, !expect["deadline_ms"].is_null());
        if (has) { EXPECT_EQ(deadline, expect["deadline_ms"].get<uint64_t>()); }
        json data = json::parse(payment.state_json());
        std::vector<std::string> attempts;
        for (const json &r : data["refunds"]) attempts.push_back(r["outcome"]["result"]);
        EXPECT_EQ(attempts, expect["refund_attempts"].get<std::vector<std::string> >());
        EXPECT_EQ(payment.snapshot(), text) << "the stored format changed";
        for (size_t i = 0; i < c["delivered"].size(); i++) {
            wp::Payment again = wp::Payment::restore(project, text);
            wp::Step step = again.apply(project.verify_callback(c["delivered"][i].get<std::string>()), later);
            EXPECT_EQ(std::string(step.outcome_name()), expect["replay"][i].get<std::string>());
            EXPECT_EQ(again.snapshot(), text);
        }
        wp::Payment again = wp::Payment::restore(project, text);
        wp_result got = WP_OK;
        try {
            again.refund("again", later);
        } catch (const wp::Error &e) {
            got = e.code();
        }
        EXPECT_EQ(got, expect["refund_error"].is_null() ? WP_OK : expect["refund_error"].get<wp_result>());
    }
}

/* Callbacks show the same message view in every binding. */
TEST(Snapshots, MessageViews) {
    json v = load("message-views.json");
    std::string secret = v["secret"];
    wp::Project project(v["project_id"].get<uint64_t>(), secret);
    ASSERT_GE(v["cases"].size(), 4u);
    for (const json &c : v["cases"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        json msg = c["message"];
        msg["signature"] = wp::sign(msg.dump(), secret);
        wp::Callback cb = project.verify_callback(msg.dump());
        const json &e = c["expect"];
        const struct { const char *name; wp_message_field field; } texts[] = {
            {"payment_id", WP_FIELD_PAYMENT_ID}, {"payment_status", WP_FIELD_PAYMENT_STATUS},
            {"currency", WP_FIELD_CURRENCY}, {"operation_type", WP_FIELD_OPERATION_TYPE},
            {"operation_status", WP_FIELD_OPERATION_STATUS}, {"code", WP_FIELD_CODE},
            {"message", WP_FIELD_MESSAGE}, {"provider_payment_id", WP_FIELD_PROVIDER_PAYMENT_ID},
        };
        for (const auto &t : texts) {
            bool present = false;
            std::string got = cb.text(t.field, &present);
            EXPECT_EQ(present, !e[t.name].is_null()) << t.name;
            if (present) { EXPECT_EQ(got, e[t.name].get<std::string>()) << t.name; }
        }
        const struct { const char *name; wp_message_field field; } numbers[] = {
            {"project_id", WP_FIELD_PROJECT_ID}, {"amount", WP_FIELD_AMOUNT}, {"operation_id", WP_FIELD_OPERATION_ID},
        };
        for (const auto &n : numbers) {
            bool present = false;
            uint64_t got = cb.number(n.field, &present);
            EXPECT_EQ(present, !e[n.name].is_null()) << n.name;
            if (present) { EXPECT_EQ(got, e[n.name].get<uint64_t>()) << n.name; }
        }
        EXPECT_EQ(cb.key(), e["key"].get<std::string>());
        try {
            cb.number(WP_FIELD_CODE);
            ADD_FAILURE() << "a text field read as a number";
        } catch (const wp::Error &err) {
            EXPECT_EQ(err.code(), WP_ERR_INVALID_ARGUMENT);
            EXPECT_EQ(err.family(), WP_FAMILY_BINDING);
        }
    }
}

/* The sign-on-backend Payment Page flow: the app's project holds no secret. */
TEST(Flow, PaymentPageSignedOnTheBackend) {
    wp::Project app = wp::Project::without_secret(48039);
    wp::Payment payment(app, "{\"payment_id\":\"app-1\",\"amount\":10000,\"customer\":{\"id\":\"c1\"},"
                             "\"return_url\":{\"success\":\"https://shop.example/ok\"}}");
    std::string params;
    std::string canonical = payment.signing_request(&params);
    EXPECT_NE(canonical.find("payment_id:app-1"), std::string::npos);
    EXPECT_NE(params.find("\"payment_amount\":10000"), std::string::npos);
    try {
        payment.payment_page_url(1);
        ADD_FAILURE() << "a project without a secret signed";
    } catch (const wp::Error &e) {
        EXPECT_EQ(e.code(), WP_ERR_MISSING_FIELD);
    }
    std::string url = payment.payment_page_url_signed(wp::sign_string(canonical, "backend-secret"), 1);
    EXPECT_EQ(url.find("https://paymentpage.ecommpay.com/payment?"), 0u);
    EXPECT_STREQ(wp::to_string(payment.state()), "pending");
    wp_sandbox *sb = NULL;
    ASSERT_EQ(wp_sandbox_new(48039, reinterpret_cast<const uint8_t *>("backend-secret"), 14, 1, &sb), WP_OK);
    EXPECT_EQ(wp_sandbox_open_payment_page(sb, reinterpret_cast<const uint8_t *>(url.data()), url.size()), WP_OK);
    std::string forged = url.substr(0, url.size() - 4) + "AAA%3D";
    EXPECT_EQ(wp_sandbox_open_payment_page(sb, reinterpret_cast<const uint8_t *>(forged.data()), forged.size()),
              WP_ERR_INVALID_SIGNATURE);
    wp_sandbox_free(&sb);
}

TEST(Lifecycle, SharedScripts) {
    std::vector<std::string> files = json_files("lifecycle");
    ASSERT_GE(files.size(), 20u);
    for (const std::string &f : files) {
        SCOPED_TRACE(f);
        run_script(f);
    }
}

namespace {

const char *ORDER_TEMPLATE =
    "{\"payment_id\":\"%s\",\"amount\":%d,\"customer\":{\"id\":\"c1\",\"ip_address\":\"203.0.113.7\","
    "\"first_name\":\"A\",\"last_name\":\"B\",\"phone\":\"919876543210\",\"email\":\"a@b.in\"},"
    "\"return_url\":{\"success\":\"https://pos.example/ok\"}}";

std::string order(const std::string &id, int amount) {
    char buf[512];
    std::snprintf(buf, sizeof buf, ORDER_TEMPLATE, id.c_str(), amount);
    return buf;
}

}  // namespace

TEST(Threads, ManyPaymentsOneSharedProject) {
    const std::string secret = "thread-secret";
    wp::Project shared(48039, secret);  // one project handle, read by every thread
    const int threads = 8, per_thread = 25;
    std::vector<std::string> finals(threads * per_thread);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; t++) {
        pool.emplace_back([&, t]() {
            wp::Sandbox sandbox(48039, secret, static_cast<uint64_t>(t));
            for (int i = 0; i < per_thread; i++) {
                std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
                wp::Payment payment(shared, order(id, 1000 + i));
                wp::Answer a = sandbox.handle(payment.gate_sale(1));
                payment.on_response(a.http_status, a.body, 2);
                wp_sale_scenario s = (i % 3 == 0) ? WP_SALE_DECLINE : WP_SALE_REDIRECT_THEN_SUCCESS;
                for (const std::string &cb : sandbox.complete_sale(id, s)) {
                    payment.apply(shared.verify_callback(cb), 3);
                }
                if (payment.state() == wp::State::Succeeded) {
                    wp::Answer r = sandbox.handle(payment.refund("thread refund", 4));
                    payment.on_response(r.http_status, r.body, 5);
                    for (const std::string &cb : sandbox.complete_refund(id, WP_REFUND_SUCCESS)) {
                        payment.apply(shared.verify_callback(cb), 6);
                    }
                }
                finals[t * per_thread + i] = wp::to_string(payment.state());
            }
        });
    }
    for (std::thread &th : pool) th.join();
    for (int t = 0; t < threads; t++) {
        for (int i = 0; i < per_thread; i++) {
            EXPECT_EQ(finals[t * per_thread + i], i % 3 == 0 ? "declined" : "refunded") << t << "/" << i;
        }
    }
}

// Bodies that would expand into a gigantic canonical string are 2015 (tests/vectors/limits.json
// describes how to build each body).
TEST(Limits, CanonicalExpansionIsBounded) {
    json limits = load("limits.json");
    std::string limit = std::to_string(limits["canonical_limit_bytes"].get<uint64_t>());
    wp::Project project(48039, "secret");
    for (const json &c : limits["expanding_bodies"]) {
        std::string name = c["name"];
        std::string body = "{\"" + std::string(c["key_len"].get<size_t>(), 'k') + "\":{";
        for (int i = 0; i < c["children"].get<int>(); i++) {
            body += (i ? ",\"a" : "\"a") + std::to_string(i) + "\":0";
        }
        body += "},\"signature\":\"" + std::string(86, 'A') + "==\"}";
        EXPECT_LE(body.size(), 2u * 1024u * 1024u) << name;
        try {
            project.verify_callback(body);
            ADD_FAILURE() << name << ": accepted";
        } catch (const wp::Error &e) {
            EXPECT_EQ(e.code(), c["code"].get<uint32_t>()) << name;
            EXPECT_NE(std::string(e.what()).find(limit), std::string::npos) << e.what();
        }
        try {
            wp::canonical_string(body);
            ADD_FAILURE() << name << ": canonical string built";
        } catch (const wp::Error &e) {
            EXPECT_EQ(e.code(), c["code"].get<uint32_t>()) << name;
        }
    }
    // canonical_boundary needs a parsed object; the C API takes JSON text (see the vector).
}

TEST(Wrapper, ErrorsCarryCodesAndMessages) {
    try {
        wp::Project bad(0, "s");
        FAIL() << "project 0 accepted";
    } catch (const wp::Error &e) {
        EXPECT_EQ(e.code(), 1005u);
        EXPECT_NE(std::string(e.what()).find("project_id"), std::string::npos) << e.what();
    }
    wp::Project project(48039, "secret-that-never-shows");
    try {
        wp::Payment p(project, order("p", 99));
        FAIL();
    } catch (const wp::Error &e) {
        EXPECT_EQ(e.code(), 1002u);
        EXPECT_NE(std::string(e.what()).find("paise"), std::string::npos);
    }
}

TEST(Wrapper, MoveOnlyHandlesAndSnapshots) {
    wp::Sandbox sandbox(48039, "s", 1);
    wp::Project project(48039, "s");
    wp::Payment a(project, order("m-1", 5000));
    std::string url = a.payment_page_url(10);
    EXPECT_NE(url.find("signature="), std::string::npos);
    wp::Payment b = std::move(a);  // a is now empty; b owns the handle
    EXPECT_EQ(b.state(), wp::State::Pending);
    try {
        a.state();
        FAIL() << "a moved-from payment still works";
    } catch (const wp::Error &e) {
        EXPECT_EQ(e.code(), WP_ERR_NULL_POINTER);
    }
    sandbox.open_payment_page(url);
    for (const std::string &cb : sandbox.complete_sale("m-1", WP_SALE_SUCCESS)) {
        wp::Step s = b.apply(project.verify_callback(cb), 11);
        EXPECT_STREQ(s.outcome_name(), "transitioned");
        EXPECT_EQ(s.http_status(), 200);
    }
    std::string snap = b.snapshot();
    EXPECT_EQ(snap.find("\"s\""), std::string::npos);
    wp::Payment c = wp::Payment::restore(project, snap);
    EXPECT_EQ(c.state(), wp::State::Succeeded);
    EXPECT_EQ(c.version(), b.version());
    uint64_t deadline = 0;
    EXPECT_FALSE(c.next_deadline(&deadline));
}

// ----- Data API and reconciliation: the same tests/vectors/data-api files as Rust and Python.

namespace {

/* Sets a dotted path (operations.0.sum_initial.amount) in a JSON value. */
void set_path(json &v, const std::string &path, const json &value) {
    json *cur = &v;
    std::stringstream ss(path);
    std::string seg;
    while (std::getline(ss, seg, '.')) {
        if (!seg.empty() && std::all_of(seg.begin(), seg.end(), ::isdigit)) {
            cur = &(*cur)[std::stoul(seg)];
        } else {
            cur = &(*cur)[seg];
        }
    }
    *cur = value;
}

std::string answer_body(const json &doc, const json &c) {
    if (c.contains("body_text")) return c["body_text"];
    if (c.contains("body_hex")) {
        std::string hex = c["body_hex"], out;
        for (std::size_t i = 0; i < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), NULL, 16)));
        return out;
    }
    if (c.contains("oversize")) {
        std::string head = "{\"operations\":[],\"pad\":\"";
        std::size_t n = c["oversize"];
        return head + std::string(n - head.size() - 2, 'x') + "\"}";
    }
    json page = c["page"];
    std::string how = c["sign_with"];
    std::string key = how == "token" ? doc["token_secret"].get<std::string>()
                      : how == "project" ? doc["project_secret"].get<std::string>()
                      : how == "forged" ? std::string("not-the-secret") : std::string();
    if (!key.empty()) page["signature"] = wp::sign(page.dump(), key);
    if (c.contains("alter")) {
        for (auto it = c["alter"].begin(); it != c["alter"].end(); ++it) set_path(page, it.key(), it.value());
    }
    return page.dump();
}

json maybe(bool present, const json &v) { return present ? v : json(nullptr); }

}  // namespace

TEST(DataApi, RequestVectors) {
    json doc = load("data-api/requests.json");
    wp::DataApi api(doc["token"], doc["token_secret"]);
    int checked = 0;
    for (const json &c : doc["operations_get"]) {
        std::string name = c["name"];
        if (c.contains("error")) {
            try {
                (void)api.operations_get(c["query"].dump());
                ADD_FAILURE() << name << ": expected an error";
            } catch (const wp::Error &e) {
                EXPECT_EQ(e.code(), c["error"]["code"].get<unsigned>()) << name;
                EXPECT_NE(std::string(e.what()).find(c["error"]["contains"].get<std::string>()), std::string::npos) << name;
            }
        } else {
            wp::Request req = api.operations_get(c["query"].dump());
            EXPECT_EQ(req.url(), c["expect"]["url"].get<std::string>()) << name;
            json body = json::parse(req.body());
            std::string sig = body["signature"];
            body.erase("signature");
            EXPECT_EQ(body, c["expect"]["body"]) << name;
            EXPECT_EQ(sig, wp::sign(body.dump(), doc["token_secret"])) << name;
        }
        checked++;
    }
    wp::Request req = api.operations_get_by_payment("order-1001");
    EXPECT_EQ(req.url(), "https://data.ecommpay.com/v1/operations/get-by-payment");
    EXPECT_EQ(checked, static_cast<int>(doc["operations_get"].size()));
}

TEST(DataApi, AnswerVectors) {
    json doc = load("data-api/answers.json");
    wp::DataApi api(doc["token"], doc["token_secret"]);
    for (const json &c : doc["cases"]) {
        std::string name = c["name"];
        std::string body = answer_body(doc, c);
        if (c.contains("error")) {
            try {
                (void)api.verify_operations(c["http_status"].get<uint16_t>(), body, c["tz"]);
                ADD_FAILURE() << name << ": expected error " << c["error"];
            } catch (const wp::Error &e) {
                EXPECT_EQ(e.code(), c["error"].get<unsigned>()) << name << ": " << e.what();
                if (c.contains("message_contains")) {
                    EXPECT_NE(std::string(e.what()).find(c["message_contains"].get<std::string>()), std::string::npos);
                }
            }
            continue;
        }
        wp::Operations ops = api.verify_operations(c["http_status"].get<uint16_t>(), body, c["tz"]);
        json got = json::array();
        for (std::size_t i = 0; i < ops.size(); i++) {
            bool p1, p2, p3, p4, p5;
            uint64_t project = ops.number(i, WP_OP_PROJECT_ID, &p1);
            uint64_t amount = ops.number(i, WP_OP_AMOUNT, &p2);
            int64_t created = static_cast<int64_t>(ops.number(i, WP_OP_CREATED_AT_MS, &p3));
            int64_t completed = static_cast<int64_t>(ops.number(i, WP_OP_COMPLETED_AT_MS, &p4));
            std::string currency = ops.text(i, WP_OP_CURRENCY, &p5);
            got.push_back({{"project_id", maybe(p1, project)},
                           {"payment_id", ops.text(i, WP_OP_PAYMENT_ID)},
                           {"operation_id", ops.number(i, WP_OP_OPERATION_ID)},
                           {"operation_type", ops.text(i, WP_OP_OPERATION_TYPE)},
                           {"operation_status", ops.text(i, WP_OP_OPERATION_STATUS)},
                           {"amount", maybe(p2, amount)},
                           {"currency", maybe(p5, currency)},
                           {"created_at_ms", maybe(p3, created)},
                           {"completed_at_ms", maybe(p4, completed)}});
            EXPECT_EQ(json::parse(ops.text(i, WP_OP_RAW))["payment_id"], got.back()["payment_id"]);
        }
        EXPECT_EQ(got, c["expect"]["operations"]) << name;
    }
}

TEST(DataApi, ReconciliationVectors) {
    json doc = load("data-api/reconcile.json");
    wp::DataApi api(doc["token"], doc["token_secret"]);
    wp::Project project(doc["project_id"].get<uint64_t>(), doc["project_secret"].get<std::string>());
    for (const json &s : doc["scenarios"]) {
        wp::Reconciler r(project);
        for (const json &snap : s["snapshots"]) r.add_snapshot(snap.get<std::string>());
        for (json page : s["pages"]) {
            page["signature"] = wp::sign(page.dump(), doc["token_secret"]);
            r.add_operations(api.verify_operations(200, page.dump()));
        }
        EXPECT_THROW(r.add_snapshot("{\"schema\":1}"), wp::Error);
        wp::Report report = r.report();
        json got = json::array();
        for (std::size_t i = 0; i < report.size(); i++) {
            wp::Finding f = report.at(i);
            EXPECT_FALSE(f.detail.empty());
            got.push_back({{"kind", f.kind}, {"payment_id", f.payment_id},
                           {"operation_id", maybe(f.has_operation_id, f.operation_id)},
                           {"local_state", maybe(f.has_local_state, f.local_state)},
                           {"remote_status", maybe(f.has_remote_status, f.remote_status)},
                           {"action", f.action}});
        }
        EXPECT_EQ(got, s["expect"]["findings"]) << s["name"];
        EXPECT_EQ(report.matched(), s["expect"]["matched"].get<uint64_t>());
        for (auto it = s["expect"]["counts"].begin(); it != s["expect"]["counts"].end(); ++it) {
            EXPECT_EQ(report.count(it.key()), it.value().get<uint64_t>()) << it.key();
        }
        EXPECT_THROW(report.count("no_such_kind"), wp::Error);

        // The same pages through add_page (no wp_operations made): the same report. A forged
        // page throws and adds nothing.
        wp::Reconciler paged(project);
        for (const json &snap : s["snapshots"]) paged.add_snapshot(snap.get<std::string>());
        for (json page : s["pages"]) {
            page["signature"] = wp::sign(page.dump(), doc["token_secret"]);
            EXPECT_EQ(paged.add_page(api, 200, page.dump()), page["operations"].size());
            page["signature"] = wp::sign(page.dump(), doc["project_secret"]);
            try {
                paged.add_page(api, 200, page.dump());
                ADD_FAILURE() << "a page signed with the project's secret was added";
            } catch (const wp::Error &e) {
                EXPECT_EQ(e.code(), WP_ERR_INVALID_SIGNATURE);
            }
        }
        wp::Report again = paged.report();
        ASSERT_EQ(again.size(), report.size()) << s["name"];
        for (std::size_t i = 0; i < report.size(); i++) {
            EXPECT_EQ(again.at(i).payment_id, report.at(i).payment_id);
            EXPECT_EQ(again.at(i).kind, report.at(i).kind);
            EXPECT_EQ(again.at(i).detail, report.at(i).detail);
        }
        EXPECT_EQ(again.matched(), report.matched());
    }
}

TEST(DataApi, SandboxLoopFindsALostCallback) {
    wp::Sandbox sandbox(48039, "sandbox-secret", 7);
    wp::Project project(48039, "sandbox-secret");
    wp::DataApi api(sandbox.enable_data_api("token-0123456789abcdefghijklmn", "token-secret"));
    std::vector<std::string> snapshots;
    for (int i = 0; i < 3; i++) {
        std::string id = "pos-" + std::to_string(i);
        wp::Payment p(project, "{\"payment_id\":\"" + id + "\",\"amount\":50000,\"customer\":{\"id\":\"c1\","
                      "\"ip_address\":\"203.0.113.7\",\"first_name\":\"A\",\"last_name\":\"B\",\"phone\":\"919876543210\","
                      "\"email\":\"a@example.in\"},\"return_url\":{\"success\":\"https://shop.example/ok\"}}");
        wp::Answer a = sandbox.handle(p.gate_sale(0));
        p.on_response(a.http_status, a.body, 1);
        std::vector<std::string> callbacks = sandbox.complete_sale(id, WP_SALE_SUCCESS);
        if (i != 1) {
            for (std::size_t k = 0; k < callbacks.size(); k++) p.apply(project.verify_callback(callbacks[k]), 2);
        }
        snapshots.push_back(p.snapshot());
    }
    wp::Pager pager = api.pages("{\"interval_from\":\"2026-11-28 00:00:00\",\"interval_to\":\"2026-11-29 00:00:00\",\"limit\":2}");
    wp::Reconciler r(project);
    for (std::size_t i = 0; i < snapshots.size(); i++) r.add_snapshot(snapshots[i]);
    wp_request *raw = NULL;
    int pages = 0;
    while (pager.next_request(&raw)) {
        wp::Request req(raw);
        wp::Answer a = sandbox.handle(req);
        r.add_operations(pager.feed(a.http_status, a.body));
        ASSERT_LT(++pages, 10);
    }
    EXPECT_EQ(pages, 2);
    wp::Report report = r.report();
    ASSERT_EQ(report.size(), 1u);
    EXPECT_EQ(report.at(0).payment_id, "pos-1");
    EXPECT_EQ(report.at(0).kind, "outcome_missed");
    EXPECT_EQ(report.at(0).action, "check_status");
    EXPECT_EQ(report.matched(), 2u);
}

/* Secret rotation (tests/vectors/rotation.json): any key verifies, its label is reported. */
TEST(Rotation, SharedVectors) {
    json v = load("rotation.json");
    ASSERT_EQ(v["max_keys"].get<std::size_t>(), static_cast<std::size_t>(WP_MAX_KEYS));
    ASSERT_GE(v["cases"].size(), 15u);
    for (const json &c : v["cases"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const json &expect = c["expect"];
        auto check_error = [&](const wp::Error &e) {
            EXPECT_EQ(e.code(), expect["error"].get<wp_result>());
            std::string what = e.what();
            EXPECT_NE(what.find(expect["message_contains"].get<std::string>()), std::string::npos) << what;
            for (const json &secret : c["secrets"]) {
                EXPECT_EQ(what.find(secret.get<std::string>()), std::string::npos) << "a secret in the error";
            }
        };
        std::unique_ptr<wp::Project> project(new wp::Project(v["project_id"].get<uint64_t>(), c["secret"].get<std::string>()));
        try {
            for (const json &pair : c["verification_keys"]) {
                project.reset(new wp::Project(project->with_verification_key(pair[0], pair[1])));
            }
        } catch (const wp::Error &e) {
            EXPECT_TRUE(c["signed_with"].is_null()) << e.what();
            check_error(e);
            continue;
        }
        ASSERT_FALSE(c["signed_with"].is_null()) << "the project was accepted";
        json msg = v["message"];
        msg["signature"] = wp::sign(msg.dump(), c["signed_with"].get<std::string>());
        try {
            wp::Callback cb = project->verify_callback(msg.dump());
            EXPECT_EQ(cb.key_label(), expect["key_label"].get<std::string>());
            EXPECT_EQ(json::parse(project->key_labels()).size(), c["verification_keys"].size() + 1);
        } catch (const wp::Error &e) {
            ASSERT_TRUE(expect.contains("error")) << e.what();
            EXPECT_EQ(e.family(), WP_FAMILY_SIGNATURE);
            check_error(e);
        }
    }
}

/* A rotation end to end: the sandbox signs a retry with the old secret. */
TEST(Rotation, SandboxSignsWithTheOldKey) {
    wp::Sandbox sandbox(48039, "new-secret", 5);
    wp::Project plain(48039, "new-secret");
    wp::Project project = plain.with_verification_key("previous", "old-secret");
    EXPECT_EQ(plain.key_labels(), "[\"current\"]");
    EXPECT_EQ(project.key_labels(), "[\"current\",\"previous\"]");
    wp::Payment payment(project, order("rot-1", 10000));
    wp::Answer a = sandbox.handle(payment.gate_sale(1));
    payment.on_response(a.http_status, a.body, 2);
    sandbox.sign_messages_with("old-secret");
    std::vector<std::string> bodies = sandbox.complete_sale("rot-1", WP_SALE_SUCCESS);
    ASSERT_FALSE(bodies.empty());
    wp::Callback cb = project.verify_callback(bodies.back());
    EXPECT_EQ(cb.key_label(), "previous");
    try {
        plain.verify_callback(bodies.back());
        FAIL() << "the old key verified on a project without it";
    } catch (const wp::Error &e) {
        EXPECT_EQ(e.code(), static_cast<wp_result>(WP_ERR_INVALID_SIGNATURE));
    }
    sandbox.sign_messages_with_project_secret();
    wp::Payment second(project, order("rot-2", 10000));
    a = sandbox.handle(second.gate_sale(3));
    second.on_response(a.http_status, a.body, 4);
    bodies = sandbox.complete_sale("rot-2", WP_SALE_SUCCESS);
    EXPECT_EQ(project.verify_callback(bodies.back()).key_label(), "current");
    EXPECT_EQ(plain.verify_callback(bodies.back()).key_label(), "current");
}
