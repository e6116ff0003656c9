/*
 * wallet_partner.hpp: a header-only C++11 RAII wrapper over wallet_partner.h.
 *
 * Move-only handle classes free their C handles; every failing call throws
 * wallet_partner::Error carrying the library's stable code. Nothing here decides anything:
 * it converts types and delegates to the C API.
 *
 * Lifetimes: a Payment keeps a reference to its Project, which must outlive it.
 * Threads: a Project may be shared by any number of threads; a Payment or Sandbox must be
 * used by one thread at a time.
 */
#ifndef WALLET_PARTNER_HPP
#define WALLET_PARTNER_HPP

#include "wallet_partner.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace wallet_partner {

/* An error from the library: what() is its message, code() its stable numeric code. */
class Error : public std::runtime_error {
public:
    Error(wp_result code, const std::string &message) : std::runtime_error(message), code_(code) {}
    wp_result code() const noexcept { return code_; }
    /* What kind of failure it is (the core decides, wp_result_family): WP_FAMILY_SIGNATURE, ... */
    wp_error_family family() const noexcept { return wp_result_family(code_); }
    /* The stable name of the code's kind ("invalid_signature"). */
    const char *kind() const noexcept { return wp_result_name(code_); }

private:
    wp_result code_;
};

namespace detail {

inline void check(wp_result result) {
    if (result == WP_OK) {
        return;
    }
    std::size_t n = wp_result_message(result, NULL, 0);
    std::vector<char> buf(n + 1, '\0');
    wp_result_message(result, &buf[0], buf.size());
    throw Error(result, std::string(&buf[0], n));
}

inline const uint8_t *bytes(const std::string &s) { return reinterpret_cast<const uint8_t *>(s.data()); }

/* Takes ownership of library bytes, returns them as a string, frees them. */
inline std::string take(wp_bytes *b) {
    std::string s(reinterpret_cast<const char *>(b->data), b->len);
    wp_bytes_free(&b);
    return s;
}

inline std::string view(const uint8_t *data, std::size_t len) {
    return std::string(reinterpret_cast<const char *>(data), len);
}

/* A move-only owner of a C handle. */
template <typename T, void (*Free)(T **)>
class Handle {
public:
    Handle() : p_(NULL) {}
    explicit Handle(T *p) : p_(p) {}
    ~Handle() { Free(&p_); }
    Handle(Handle &&other) noexcept : p_(other.p_) { other.p_ = NULL; }
    Handle &operator=(Handle &&other) noexcept {
        if (this != &other) {
            Free(&p_);
            p_ = other.p_;
            other.p_ = NULL;
        }
        return *this;
    }
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    T *get() const { return p_; }

private:
    T *p_;
};

}  // namespace detail

/* A payment's state, as the C API names it. */
enum class State {
    Created = WP_STATE_CREATED,
    Pending = WP_STATE_PENDING,
    Redirected = WP_STATE_REDIRECTED,
    Succeeded = WP_STATE_SUCCEEDED,
    Declined = WP_STATE_DECLINED,
    RefundPending = WP_STATE_REFUND_PENDING,
    Refunded = WP_STATE_REFUNDED,
    Unknown = WP_STATE_UNKNOWN,
};

/* The snake_case name of a state ("refund_pending"), from the core, as in every binding. */
inline const char *to_string(State s) { return wp_state_name(static_cast<wp_state>(s)); }

/* An HTTP request to send with your own client. */
class Request {
public:
    explicit Request(wp_request *r) : h_(r) {}
    std::string method() const { return field(wp_request_method); }
    std::string url() const { return field(wp_request_url); }
    std::string body() const { return field(wp_request_body); }
    std::vector<std::pair<std::string, std::string> > headers() const {
        std::size_t n = 0;
        detail::check(wp_request_header_count(h_.get(), &n));
        std::vector<std::pair<std::string, std::string> > out;
        for (std::size_t i = 0; i < n; i++) {
            const uint8_t *name = NULL, *value = NULL;
            std::size_t name_len = 0, value_len = 0;
            detail::check(wp_request_header(h_.get(), i, &name, &name_len, &value, &value_len));
            out.push_back(std::make_pair(detail::view(name, name_len), detail::view(value, value_len)));
        }
        return out;
    }
    const wp_request *get() const { return h_.get(); }

private:
    typedef wp_result (*Getter)(const wp_request *, const uint8_t **, std::size_t *);
    std::string field(Getter getter) const {
        const uint8_t *data = NULL;
        std::size_t len = 0;
        detail::check(getter(h_.get(), &data, &len));
        return detail::view(data, len);
    }
    detail::Handle<wp_request, wp_request_free> h_;
};

/* What a call did and what to do next. */
class Step {
public:
    explicit Step(wp_step *s) : h_(s) {}
    wp_outcome outcome() const {
        wp_outcome o;
        detail::check(wp_step_outcome(h_.get(), &o, NULL, NULL));
        return o;
    }
    /* "transitioned", "accepted", "duplicate", "stale" or "ignored" (the core's names). */
    const char *outcome_name() const { return wp_outcome_name(outcome()); }
    /* Why an ignored step changed nothing (WP_REASON_NONE otherwise). */
    wp_reason reason() const {
        wp_reason r;
        detail::check(wp_step_reason(h_.get(), &r));
        return r;
    }
    /* "still_processing", ... ("" unless ignored). */
    const char *reason_name() const { return wp_reason_name(reason()); }
    std::size_t action_count() const {
        std::size_t n = 0;
        detail::check(wp_step_action_count(h_.get(), &n));
        return n;
    }
    wp_action_kind action_kind(std::size_t i) const {
        wp_action_kind k;
        detail::check(wp_step_action_kind(h_.get(), i, &k));
        return k;
    }
    /* "redirect_customer", "check_status" or "answer_callback" (the core's names). */
    const char *action_name(std::size_t i) const { return wp_action_name(action_kind(i)); }
    Request action_request(std::size_t i) const {
        wp_request *r = NULL;
        detail::check(wp_step_action_request(h_.get(), i, &r));
        return Request(r);
    }
    std::string action_redirect_html(std::size_t i) const {
        wp_bytes *b = NULL;
        detail::check(wp_step_action_redirect_html(h_.get(), i, &b));
        return detail::take(b);
    }
    /* The HTTP status to answer a callback with (200 when the step has no answer action). */
    uint16_t http_status() const {
        for (std::size_t i = 0; i < action_count(); i++) {
            if (action_kind(i) == WP_ACTION_ANSWER_CALLBACK) {
                uint16_t s = 0;
                detail::check(wp_step_action_http_status(h_.get(), i, &s));
                return s;
            }
        }
        return 200;
    }
    std::string json() const {
        wp_bytes *b = NULL;
        detail::check(wp_step_json(h_.get(), &b));
        return detail::take(b);
    }

private:
    detail::Handle<wp_step, wp_step_free> h_;
};

/* A verified callback. Only Project::verify_callback makes one. */
class Callback {
public:
    explicit Callback(wp_callback *c) : h_(c) {}
    std::string payment_id() const { return text(wp_callback_payment_id); }
    std::string payment_status() const { return text(wp_callback_payment_status); }
    /* A text field of the message view ("" when absent; `present` says which). */
    std::string text(wp_message_field field, bool *present = NULL) const {
        const uint8_t *data = NULL;
        std::size_t len = 0;
        bool has = false;
        detail::check(wp_callback_text(h_.get(), field, &data, &len, &has));
        if (present) *present = has;
        return detail::view(data, len);
    }
    /* A number field of the message view (0 when absent; `present` says which). */
    uint64_t number(wp_message_field field, bool *present = NULL) const {
        uint64_t v = 0;
        bool has = false;
        detail::check(wp_callback_number(h_.get(), field, &v, &has));
        if (present) *present = has;
        return v;
    }
    std::string json() const { return text(wp_callback_json); }
    /* The callback key for a unique index (see wp_callback_key). */
    std::string key() const { return text(wp_callback_key); }
    /* The label of the key that verified it: "current", or a verification key's label. */
    std::string key_label() const { return text(wp_callback_key_label); }
    const wp_callback *get() const { return h_.get(); }

private:
    typedef wp_result (*Getter)(const wp_callback *, wp_bytes **);
    std::string text(Getter getter) const {
        wp_bytes *b = NULL;
        detail::check(getter(h_.get(), &b));
        return detail::take(b);
    }
    detail::Handle<wp_callback, wp_callback_free> h_;
};

/* A merchant project (immutable, shareable between threads). Empty URLs mean defaults. */
class Project {
public:
    Project(uint64_t project_id, const std::string &secret, const std::string &gate_url = std::string(),
            const std::string &payment_page_url = std::string()) {
        wp_project *p = NULL;
        detail::check(wp_project_new(project_id, detail::bytes(secret), secret.size(),
                                     gate_url.empty() ? NULL : detail::bytes(gate_url), gate_url.size(),
                                     payment_page_url.empty() ? NULL : detail::bytes(payment_page_url),
                                     payment_page_url.size(), &p));
        h_ = detail::Handle<wp_project, wp_project_free>(p);
    }
    explicit Project(wp_project *p) : h_(p) {}
    /* A project that holds no secret (an app's): Payment::signing_request() for a backend to sign. */
    static Project without_secret(uint64_t project_id, const std::string &gate_url = std::string(),
                                  const std::string &payment_page_url = std::string()) {
        wp_project *p = NULL;
        detail::check(wp_project_new_without_secret(
            project_id, gate_url.empty() ? NULL : detail::bytes(gate_url), gate_url.size(),
            payment_page_url.empty() ? NULL : detail::bytes(payment_page_url), payment_page_url.size(), &p));
        return Project(p);
    }
    /* A copy that also verifies messages signed with `secret`, reported as `label` (secret
       rotation; see wp_project_with_verification_key). This project is unchanged. */
    Project with_verification_key(const std::string &label, const std::string &secret) const {
        wp_project *p = NULL;
        detail::check(wp_project_with_verification_key(h_.get(), detail::bytes(label), label.size(),
                                                       detail::bytes(secret), secret.size(), &p));
        return Project(p);
    }
    /* The labels of its keys as a JSON array: "current" first. */
    std::string key_labels() const {
        wp_bytes *b = NULL;
        detail::check(wp_project_key_labels(h_.get(), &b));
        return detail::take(b);
    }
    Callback verify_callback(const std::string &body) const {
        wp_callback *c = NULL;
        detail::check(wp_project_verify_callback(h_.get(), detail::bytes(body), body.size(), &c));
        return Callback(c);
    }
    const wp_project *get() const { return h_.get(); }

private:
    detail::Handle<wp_project, wp_project_free> h_;
};

/* One payment's lifecycle; persist snapshot() after every call. */
class Payment {
public:
    /* The order as JSON (see wp_payment_new). The project must outlive the payment. */
    Payment(const Project &project, const std::string &order_json) : project_(&project) {
        wp_payment *p = NULL;
        detail::check(wp_payment_new(project.get(), detail::bytes(order_json), order_json.size(), &p));
        h_ = detail::Handle<wp_payment, wp_payment_free>(p);
    }
    static Payment restore(const Project &project, const std::string &snapshot) {
        wp_payment *p = NULL;
        detail::check(wp_payment_restore(project.get(), detail::bytes(snapshot), snapshot.size(), &p));
        return Payment(project, p);
    }
    Request gate_sale(uint64_t now_ms) {
        wp_request *r = NULL;
        detail::check(wp_payment_gate_sale(h_.get(), project_->get(), now_ms, &r));
        return Request(r);
    }
    /* The canonical string a backend signs for this payment's Payment Page URL (SPEC 2.2). */
    std::string signing_request(std::string *params_json = NULL) const {
        wp_bytes *c = NULL, *j = NULL;
        detail::check(wp_payment_signing_request(h_.get(), project_->get(), &c, &j));
        std::string params = detail::take(j);
        if (params_json) *params_json = params;
        return detail::take(c);
    }
    /* The Payment Page URL with the backend's signature; the payment becomes pending. */
    std::string payment_page_url_signed(const std::string &signature, uint64_t now_ms) {
        wp_bytes *b = NULL;
        detail::check(wp_payment_payment_page_url_signed(h_.get(), project_->get(), detail::bytes(signature),
                                                         signature.size(), now_ms, &b));
        return detail::take(b);
    }
    std::string payment_page_url(uint64_t now_ms) {
        wp_bytes *b = NULL;
        detail::check(wp_payment_payment_page_url(h_.get(), project_->get(), now_ms, &b));
        return detail::take(b);
    }
    /* A full refund; amount 0 omits it, another value must equal the purchase. */
    Request refund(const std::string &description, uint64_t now_ms, uint64_t amount = 0,
                   const std::string &merchant_refund_id = std::string()) {
        wp_request *r = NULL;
        detail::check(wp_payment_refund(h_.get(), project_->get(), detail::bytes(description), description.size(),
                                        merchant_refund_id.empty() ? NULL : detail::bytes(merchant_refund_id),
                                        merchant_refund_id.size(), amount, now_ms, &r));
        return Request(r);
    }
    Request status_request(uint64_t now_ms) {
        wp_request *r = NULL;
        detail::check(wp_payment_status_request(h_.get(), project_->get(), now_ms, &r));
        return Request(r);
    }
    Step on_response(uint16_t http_status, const std::string &body, uint64_t now_ms) {
        wp_step *s = NULL;
        detail::check(wp_payment_on_response(h_.get(), project_->get(), http_status, detail::bytes(body), body.size(),
                                             now_ms, &s));
        return Step(s);
    }
    Step on_transport_failure(uint64_t now_ms) {
        wp_step *s = NULL;
        detail::check(wp_payment_on_transport_failure(h_.get(), project_->get(), now_ms, &s));
        return Step(s);
    }
    Step apply(const Callback &callback, uint64_t now_ms) {
        wp_step *s = NULL;
        detail::check(wp_payment_apply(h_.get(), project_->get(), callback.get(), now_ms, &s));
        return Step(s);
    }
    /* From a timer: past next_deadline(), a check-status action; before it, nothing. */
    Step on_deadline(uint64_t now_ms) {
        wp_step *s = NULL;
        detail::check(wp_payment_on_deadline(h_.get(), project_->get(), now_ms, &s));
        return Step(s);
    }
    /* Deprecated: the old name of on_deadline(). */
    Step poll(uint64_t now_ms) { return on_deadline(now_ms); }
    State state() const {
        wp_state s;
        detail::check(wp_payment_state(h_.get(), &s));
        return static_cast<State>(s);
    }
    uint64_t version() const {
        uint64_t v = 0;
        detail::check(wp_payment_version(h_.get(), &v));
        return v;
    }
    /* False when there is no deadline. */
    bool next_deadline(uint64_t *deadline_ms) const {
        bool has = false;
        uint64_t d = 0;
        detail::check(wp_payment_next_deadline(h_.get(), &d, &has));
        if (has && deadline_ms) {
            *deadline_ms = d;
        }
        return has;
    }
    std::string snapshot() const { return text(wp_payment_snapshot); }
    std::string state_json() const { return text(wp_payment_state_json); }
    std::string redirect_html() const { return text(wp_payment_redirect_html); }

private:
    Payment(const Project &project, wp_payment *p) : h_(p), project_(&project) {}
    typedef wp_result (*Getter)(const wp_payment *, wp_bytes **);
    std::string text(Getter getter) const {
        wp_bytes *b = NULL;
        detail::check(getter(h_.get(), &b));
        return detail::take(b);
    }
    detail::Handle<wp_payment, wp_payment_free> h_;
    const Project *project_;
};

/* An HTTP answer: status and body. */
struct Answer {
    uint16_t http_status;
    std::string body;
};

/* The deterministic platform stand-in, for tests and demos. */
class Sandbox {
public:
    Sandbox(uint64_t project_id, const std::string &secret, uint64_t seed) {
        wp_sandbox *s = NULL;
        detail::check(wp_sandbox_new(project_id, detail::bytes(secret), secret.size(), seed, &s));
        h_ = detail::Handle<wp_sandbox, wp_sandbox_free>(s);
    }
    /* Signs what it sends with `secret` from now on (rotation tests); sign_messages_with_project_secret()
       goes back to the project's secret. */
    void sign_messages_with(const std::string &secret) {
        detail::check(wp_sandbox_sign_messages_with(h_.get(), detail::bytes(secret), secret.size()));
    }
    void sign_messages_with_project_secret() {
        detail::check(wp_sandbox_sign_messages_with(h_.get(), NULL, 0));
    }
    Answer handle(const Request &request) {
        Answer a;
        wp_bytes *b = NULL;
        detail::check(wp_sandbox_handle(h_.get(), request.get(), &a.http_status, &b));
        a.body = detail::take(b);
        return a;
    }
    std::vector<std::string> complete_sale(const std::string &payment_id, wp_sale_scenario scenario) {
        wp_list *l = NULL;
        detail::check(wp_sandbox_complete_sale(h_.get(), detail::bytes(payment_id), payment_id.size(), scenario, &l));
        return take_list(l);
    }
    std::vector<std::string> complete_refund(const std::string &payment_id, wp_refund_scenario scenario) {
        wp_list *l = NULL;
        detail::check(wp_sandbox_complete_refund(h_.get(), detail::bytes(payment_id), payment_id.size(), scenario, &l));
        return take_list(l);
    }
    Answer status_response(const std::string &payment_id) {
        Answer a;
        wp_bytes *b = NULL;
        detail::check(wp_sandbox_status_response(h_.get(), detail::bytes(payment_id), payment_id.size(), &a.http_status, &b));
        a.body = detail::take(b);
        return a;
    }
    void open_payment_page(const std::string &url) {
        detail::check(wp_sandbox_open_payment_page(h_.get(), detail::bytes(url), url.size()));
    }
    /* Turns on the sandbox's Data API; returns the client's credentials. */
    wp_data_api *enable_data_api(const std::string &token, const std::string &secret) {
        wp_data_api *a = NULL;
        detail::check(wp_sandbox_enable_data_api(h_.get(), detail::bytes(token), token.size(), detail::bytes(secret),
                                                 secret.size(), &a));
        return a;
    }

private:
    static std::vector<std::string> take_list(wp_list *l) {
        detail::Handle<wp_list, wp_list_free> owner(l);
        std::size_t n = 0;
        detail::check(wp_list_len(l, &n));
        std::vector<std::string> out;
        for (std::size_t i = 0; i < n; i++) {
            const uint8_t *data = NULL;
            std::size_t len = 0;
            detail::check(wp_list_get(l, i, &data, &len));
            out.push_back(detail::view(data, len));
        }
        return out;
    }
    detail::Handle<wp_sandbox, wp_sandbox_free> h_;
};

/* Operations decoded from a verified Data API page. */
class Operations {
public:
    explicit Operations(wp_operations *o) : h_(o) {}
    std::size_t size() const {
        std::size_t n = 0;
        detail::check(wp_operations_len(h_.get(), &n));
        return n;
    }
    /* A text field; *present (if given) says whether the page had it. */
    std::string text(std::size_t i, wp_operation_text field, bool *present = NULL) const {
        const uint8_t *d = NULL;
        std::size_t n = 0;
        bool has = false;
        detail::check(wp_operations_text(h_.get(), i, field, &d, &n, &has));
        if (present) *present = has;
        return detail::view(d, n);
    }
    /* A number field (times: cast to int64_t); *present says whether the page had it. */
    uint64_t number(std::size_t i, wp_operation_number field, bool *present = NULL) const {
        uint64_t v = 0;
        bool has = false;
        detail::check(wp_operations_number(h_.get(), i, field, &v, &has));
        if (present) *present = has;
        return v;
    }
    const wp_operations *get() const { return h_.get(); }

private:
    detail::Handle<wp_operations, wp_operations_free> h_;
};

/* A sans-IO pager: next_request() until it returns false, feed() each answer. */
class Pager {
public:
    explicit Pager(wp_pager *p) : h_(p) {}
    /* False when every page has been fed; otherwise *request is the next one. */
    bool next_request(wp_request **request) {
        bool done = false;
        detail::check(wp_pager_next_request(h_.get(), request, &done));
        return !done;
    }
    Operations feed(uint16_t http_status, const std::string &body) {
        wp_operations *o = NULL;
        detail::check(wp_pager_feed(h_.get(), http_status, detail::bytes(body), body.size(), &o));
        return Operations(o);
    }

private:
    detail::Handle<wp_pager, wp_pager_free> h_;
};

/* Data API credentials: the Dashboard's API token and its secret (never shown). */
class DataApi {
public:
    DataApi(const std::string &token, const std::string &secret, const std::string &base_url = std::string()) {
        wp_data_api *a = NULL;
        detail::check(wp_data_api_new(detail::bytes(token), token.size(), detail::bytes(secret), secret.size(),
                                      base_url.empty() ? NULL : detail::bytes(base_url), base_url.size(), &a));
        h_ = detail::Handle<wp_data_api, wp_data_api_free>(a);
    }
    explicit DataApi(wp_data_api *a) : h_(a) {}
    /* The query as JSON (see wp_data_api_operations_get). */
    Request operations_get(const std::string &query_json) const {
        wp_request *r = NULL;
        detail::check(wp_data_api_operations_get(h_.get(), detail::bytes(query_json), query_json.size(), &r));
        return Request(r);
    }
    Request operations_get_by_payment(const std::string &payment_id) const {
        wp_request *r = NULL;
        detail::check(wp_data_api_operations_get_by_payment(h_.get(), detail::bytes(payment_id), payment_id.size(), &r));
        return Request(r);
    }
    /* Throws Error: 2002 forged, 3002 an error body, 3003 HTTP 429 (wait 10 s). */
    Operations verify_operations(uint16_t http_status, const std::string &body, const std::string &tz = "UTC",
                                 const std::string &payment_id = std::string()) const {
        wp_operations *o = NULL;
        detail::check(wp_data_api_verify_operations(h_.get(), http_status, detail::bytes(body), body.size(),
                                                    detail::bytes(tz), tz.size(),
                                                    payment_id.empty() ? NULL : detail::bytes(payment_id),
                                                    payment_id.size(), &o));
        return Operations(o);
    }
    Pager pages(const std::string &query_json, int64_t overlap_s = 300) const {
        wp_pager *p = NULL;
        detail::check(wp_pager_new(h_.get(), detail::bytes(query_json), query_json.size(), overlap_s, &p));
        return Pager(p);
    }
    const wp_data_api *get() const { return h_.get(); }

private:
    detail::Handle<wp_data_api, wp_data_api_free> h_;
};

/* One finding of a report, copied out. */
struct Finding {
    std::string kind, payment_id, local_state, remote_status, detail, action;
    bool has_operation_id, has_local_state, has_remote_status;
    uint64_t operation_id;
};

/* A reconciliation report. */
class Report {
public:
    explicit Report(wp_report *r) : h_(r) {}
    uint64_t matched() const {
        uint64_t n = 0;
        detail::check(wp_report_matched(h_.get(), &n));
        return n;
    }
    uint64_t count(const std::string &kind) const {
        uint64_t n = 0;
        detail::check(wp_report_count(h_.get(), detail::bytes(kind), kind.size(), &n));
        return n;
    }
    std::size_t size() const {
        std::size_t n = 0;
        detail::check(wp_report_len(h_.get(), &n));
        return n;
    }
    Finding at(std::size_t i) const {
        wp_finding f;
        detail::check(wp_report_finding(h_.get(), i, &f));
        Finding out;
        out.kind = f.kind;
        out.payment_id = f.payment_id;
        out.has_operation_id = f.has_operation_id;
        out.operation_id = f.operation_id;
        out.has_local_state = f.local_state != NULL;
        out.local_state = f.local_state ? f.local_state : "";
        out.has_remote_status = f.remote_status != NULL;
        out.remote_status = f.remote_status ? f.remote_status : "";
        out.detail = f.detail;
        out.action = f.action;
        return out;
    }

private:
    detail::Handle<wp_report, wp_report_free> h_;
};

/* Stored snapshots × the platform's operations → a report. */
class Reconciler {
public:
    explicit Reconciler(const Project &project) : project_(&project) {
        wp_reconciler *r = NULL;
        detail::check(wp_reconciler_new(project.get(), &r));
        h_ = detail::Handle<wp_reconciler, wp_reconciler_free>(r);
    }
    void add_snapshot(const std::string &snapshot) {
        detail::check(wp_reconciler_add_snapshot(h_.get(), project_->get(), detail::bytes(snapshot), snapshot.size()));
    }
    void add_operations(const Operations &ops) { detail::check(wp_reconciler_add_operations(h_.get(), ops.get())); }
    /* Verifies a /v1/operations/get answer and adds its operations; returns how many it held. */
    std::size_t add_page(const DataApi &api, uint16_t http_status, const std::string &body,
                         const std::string &tz = "UTC") {
        std::size_t n = 0;
        detail::check(wp_reconciler_add_page(h_.get(), api.get(), http_status, detail::bytes(body), body.size(),
                                             detail::bytes(tz), tz.size(), &n));
        return n;
    }
    Report report() const {
        wp_report *r = NULL;
        detail::check(wp_reconciler_report(h_.get(), &r));
        return Report(r);
    }

private:
    detail::Handle<wp_reconciler, wp_reconciler_free> h_;
    const Project *project_;
};

/* Signature helpers (SPEC §2), over JSON text. */
inline std::string canonical_string(const std::string &json) {
    wp_bytes *b = NULL;
    detail::check(wp_canonical_string(detail::bytes(json), json.size(), &b));
    return detail::take(b);
}

inline std::string sign(const std::string &json, const std::string &secret) {
    wp_bytes *b = NULL;
    detail::check(wp_sign(detail::bytes(json), json.size(), detail::bytes(secret), secret.size(), &b));
    return detail::take(b);
}

inline std::string sign_string(const std::string &canonical, const std::string &secret) {
    char buf[128];
    std::size_t n = 0;
    detail::check(wp_sign_string(detail::bytes(canonical), canonical.size(), detail::bytes(secret), secret.size(), buf,
                                 sizeof buf, &n));
    return std::string(buf, n);
}

/* Throws Error (2001/2002/2003...) unless the body carries a valid signature. */
inline void verify(const std::string &body, const std::string &secret) {
    detail::check(wp_verify(detail::bytes(body), body.size(), detail::bytes(secret), secret.size()));
}

}  // namespace wallet_partner

#endif /* WALLET_PARTNER_HPP */
