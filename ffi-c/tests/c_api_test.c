/*
 * C99 tests of the C API: misuse (NULL for every pointer, invalid UTF-8, buffers too small,
 * double free through the same variable, calls in the wrong state) returns codes and never
 * crashes; a whole payment runs through the sandbox. Built with ASan/UBSan in CI.
 */
#include "wallet_partner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed = 0;
static int failed = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            passed++;                                                                \
        } else {                                                                     \
            failed++;                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_CODE(expr, code)                                                                         \
    do {                                                                                               \
        wp_result r_ = (expr);                                                                         \
        if (r_ == (code)) {                                                                            \
            passed++;                                                                                  \
        } else {                                                                                       \
            char msg_[256];                                                                            \
            wp_result_message(r_, msg_, sizeof msg_);                                                  \
            failed++;                                                                                  \
            fprintf(stderr, "%s:%d: %s returned %u (%s), expected %u\n", __FILE__, __LINE__, #expr, r_, \
                    msg_, (unsigned)(code));                                                           \
        }                                                                                              \
    } while (0)

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

static const char SECRET[] = "c-test-secret";
static const char ORDER[] =
    "{\"payment_id\":\"pos-1\",\"amount\":125000,\"description\":\"Till 3\","
    "\"customer\":{\"id\":\"c1\",\"ip_address\":\"203.0.113.7\",\"first_name\":\"Aarav\","
    "\"last_name\":\"Sharma\",\"phone\":\"919876543210\",\"email\":\"a@example.in\"},"
    "\"return_url\":{\"success\":\"https://pos.example/ok\"}}";

static void test_version_and_messages(void) {
    char buf[64];
    size_t n;
    CHECK(strcmp(wp_version(), "0.1.0") == 0);
    n = wp_result_message(WP_OK, buf, sizeof buf);
    CHECK(n == 2 && strcmp(buf, "ok") == 0);
    /* A message is truncated to the buffer and always NUL-terminated. */
    CHECK_CODE(wp_verify(S("{}"), S(SECRET)), WP_ERR_MISSING_SIGNATURE);
    n = wp_result_message(WP_ERR_MISSING_SIGNATURE, buf, 8);
    CHECK(n > 8 && strlen(buf) == 7);
    CHECK(wp_result_message(WP_ERR_MISSING_SIGNATURE, NULL, 0) == n);
}

static void test_null_pointers(void) {
    wp_project *project = NULL;
    wp_payment *payment = NULL;
    wp_bytes *bytes = NULL;
    wp_request *request = NULL;
    wp_step *step = NULL;
    wp_callback *callback = NULL;
    wp_sandbox *sandbox = NULL;
    wp_list *list = NULL;
    wp_state state;
    uint64_t u64 = 0;
    bool has = false;
    size_t len = 0;
    uint16_t status = 0;
    const uint8_t *data = NULL;
    char sig[100];

    CHECK_CODE(wp_project_new(1, NULL, 5, NULL, 0, NULL, 0, &project), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_project_new(1, S(SECRET), NULL, 0, NULL, 0, NULL), WP_ERR_NULL_POINTER);
    CHECK(project == NULL);
    CHECK_CODE(wp_project_new(1, S(SECRET), NULL, 0, NULL, 0, &project), WP_OK);
    CHECK_CODE(wp_payment_new(NULL, S(ORDER), &payment), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_new(project, NULL, 10, &payment), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_new(project, S(ORDER), NULL), WP_ERR_NULL_POINTER);
    CHECK(payment == NULL);
    CHECK_CODE(wp_payment_new(project, S(ORDER), &payment), WP_OK);

    /* Secret rotation: NULLs, bad keys (WP_ERR_INVALID_KEY) and the cap; nothing is created. */
    {
        wp_project *rotated = NULL, *next = NULL;
        CHECK_CODE(wp_project_with_verification_key(NULL, S("old"), S("o"), &rotated), WP_ERR_NULL_POINTER);
        CHECK_CODE(wp_project_with_verification_key(project, NULL, 3, S("o"), &rotated), WP_ERR_NULL_POINTER);
        CHECK_CODE(wp_project_with_verification_key(project, S("old"), NULL, 1, &rotated), WP_ERR_NULL_POINTER);
        CHECK_CODE(wp_project_with_verification_key(project, S("old"), S("o"), NULL), WP_ERR_NULL_POINTER);
        CHECK_CODE(wp_project_with_verification_key(project, S("old"), S(""), &rotated), WP_ERR_INVALID_KEY);
        CHECK_CODE(wp_project_with_verification_key(project, S("current"), S("o"), &rotated), WP_ERR_INVALID_KEY);
        CHECK_CODE(wp_project_with_verification_key(project, (const uint8_t *)"\xff", 1, S("o"), &rotated),
                   WP_ERR_INVALID_UTF8);
        CHECK(rotated == NULL);
        CHECK_CODE(wp_project_with_verification_key(project, S("k1"), S("o1"), &rotated), WP_OK);
        CHECK_CODE(wp_project_with_verification_key(rotated, S("k2"), S("o2"), &next), WP_OK);
        wp_project_free(&rotated);
        CHECK_CODE(wp_project_with_verification_key(next, S("k3"), S("o3"), &rotated), WP_OK);
        wp_project_free(&next);
        CHECK_CODE(wp_project_with_verification_key(rotated, S("k4"), S("o4"), &next), WP_ERR_INVALID_KEY);
        CHECK(next == NULL);
        CHECK_CODE(wp_project_key_labels(rotated, &bytes), WP_OK);
        CHECK(strcmp((const char *)bytes->data, "[\"current\",\"k1\",\"k2\",\"k3\"]") == 0);
        wp_bytes_free(&bytes);
        CHECK_CODE(wp_project_key_labels(NULL, &bytes), WP_ERR_NULL_POINTER);
        CHECK_CODE(wp_project_key_labels(rotated, NULL), WP_ERR_NULL_POINTER);
        CHECK_CODE(wp_callback_key_label(NULL, &bytes), WP_ERR_NULL_POINTER);
        CHECK_CODE(wp_sandbox_sign_messages_with(NULL, S("x")), WP_ERR_NULL_POINTER);
        wp_project_free(&rotated);
        wp_project_free(&rotated);
    }

    CHECK_CODE(wp_payment_gate_sale(NULL, project, 1, &request), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_gate_sale(payment, NULL, 1, &request), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_gate_sale(payment, project, 1, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_on_response(NULL, project, 200, S("{}"), 1, &step), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_on_response(payment, project, 200, NULL, 3, 1, &step), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_on_transport_failure(payment, project, 1, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_apply(payment, project, NULL, 1, &step), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_on_deadline(payment, NULL, 1, &step), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_poll(payment, NULL, 1, &step), WP_ERR_NULL_POINTER);
    CHECK(wp_result_family(WP_ERR_INVALID_SIGNATURE) == WP_FAMILY_SIGNATURE);
    CHECK(wp_result_family(WP_ERR_CONFLICTING_OUTCOME) == WP_FAMILY_TRANSITION);
    CHECK(wp_result_family(WP_ERR_AMOUNT_OUT_OF_RANGE) == WP_FAMILY_VALIDATION);
    CHECK(wp_result_family(WP_OK) == WP_FAMILY_NONE);
    CHECK(strcmp(wp_result_name(WP_ERR_REQUEST_IN_FLIGHT), "request_in_flight") == 0);
    CHECK(strcmp(wp_state_name(WP_STATE_REFUND_PENDING), "refund_pending") == 0);
    CHECK(strcmp(wp_outcome_name(WP_OUTCOME_ACCEPTED), "accepted") == 0);
    CHECK_CODE(wp_payment_refund(payment, project, NULL, 4, NULL, 0, 0, 1, &request), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_status_request(payment, project, 1, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_payment_page_url(payment, project, 1, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_state(NULL, &state), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_state(payment, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_version(payment, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_next_deadline(payment, NULL, &has), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_next_deadline(payment, &u64, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_snapshot(NULL, &bytes), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_snapshot(payment, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_state_json(payment, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_redirect_html(NULL, &bytes), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_payment_restore(project, NULL, 4, &payment), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_project_verify_callback(NULL, S("{}"), &callback), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_project_verify_callback(project, NULL, 2, &callback), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_project_verify_callback(project, S("{}"), NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_callback_json(NULL, &bytes), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_callback_payment_id(NULL, &bytes), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_callback_payment_status(NULL, &bytes), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_request_url(NULL, &data, &len), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_request_method(NULL, &data, &len), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_request_body(NULL, &data, &len), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_request_header_count(NULL, &len), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_request_header(NULL, 0, &data, &len, &data, &len), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_step_outcome(NULL, NULL, NULL, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_step_action_count(NULL, &len), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_step_json(NULL, &bytes), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_canonical_string(NULL, 3, &bytes), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_canonical_string(S("{}"), NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_sign(S("{}"), NULL, 3, &bytes), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_sign_string(S("a:1"), S(SECRET), NULL, 100, &len), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_sign_string(S("a:1"), S(SECRET), sig, sizeof sig, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_verify(NULL, 2, S(SECRET)), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_sandbox_new(1, S(SECRET), 1, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_sandbox_handle(NULL, NULL, &status, &bytes), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_sandbox_complete_sale(NULL, S("p"), WP_SALE_SUCCESS, &list), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_sandbox_status_response(NULL, S("p"), &status, &bytes), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_sandbox_open_payment_page(NULL, S("x")), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_list_len(NULL, &len), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_list_get(NULL, 0, &data, &len), WP_ERR_NULL_POINTER);
    /* Outputs are written only on success. */
    CHECK(bytes == NULL && request == NULL && step == NULL && callback == NULL && sandbox == NULL && list == NULL);
    /* Freeing NULL, or a NULL handle, is a no-op. */
    wp_bytes_free(NULL);
    wp_bytes_free(&bytes);
    wp_step_free(NULL);
    wp_request_free(&request);
    wp_callback_free(&callback);
    wp_sandbox_free(&sandbox);
    wp_list_free(&list);
    wp_payment_free(&payment);
    wp_project_free(&project);
    CHECK(payment == NULL && project == NULL);
}

static void test_invalid_input(void) {
    wp_project *project = NULL;
    wp_payment *payment = NULL;
    wp_bytes *bytes = NULL;
    wp_callback *callback = NULL;
    char sig[100];
    size_t needed = 0;
    static const uint8_t bad_utf8[] = {'{', '"', 0xff, 0xfe, '"', ':', '1', '}'};

    CHECK_CODE(wp_project_new(0, S(SECRET), NULL, 0, NULL, 0, &project), 1005);
    CHECK_CODE(wp_project_new(4294967296ULL, S(SECRET), NULL, 0, NULL, 0, &project), 1005);
    CHECK_CODE(wp_project_new(1, S(""), NULL, 0, NULL, 0, &project), 1003);
    CHECK_CODE(wp_project_new(1, bad_utf8, sizeof bad_utf8, NULL, 0, NULL, 0, &project), WP_ERR_INVALID_UTF8);
    CHECK(project == NULL);
    CHECK_CODE(wp_project_new(48039, S(SECRET), S("https://gate.test"), NULL, 0, &project), WP_OK);

    CHECK_CODE(wp_payment_new(project, bad_utf8, sizeof bad_utf8, &payment), WP_ERR_INVALID_UTF8);
    CHECK_CODE(wp_payment_new(project, S("{\"payment_id\":\"p\",\"amount\":99,\"customer\":{\"id\":\"c\"},"
                                         "\"return_url\":{\"success\":\"https://x\"}}"), &payment), 1002);
    CHECK_CODE(wp_payment_new(project, S("{\"payment_id\":\"p\",\"amount\":-5,\"customer\":{\"id\":\"c\"},"
                                         "\"return_url\":{\"success\":\"https://x\"}}"), &payment), 1002);
    CHECK_CODE(wp_payment_new(project, S("{\"payment_id\":\"p\",\"amount\":100000000000000000000000,"
                                         "\"customer\":{\"id\":\"c\"},\"return_url\":{\"success\":\"https://x\"}}"), &payment), 1002);
    CHECK_CODE(wp_payment_new(project, S("not json"), &payment), 1004);
    CHECK_CODE(wp_payment_new(project, S("{\"payment_id\":\"p\"}"), &payment), 1003);
    CHECK(payment == NULL);

    CHECK_CODE(wp_project_verify_callback(project, S("garbage"), &callback), 2003);
    CHECK_CODE(wp_project_verify_callback(project, bad_utf8, sizeof bad_utf8, &callback), 2003);
    CHECK_CODE(wp_project_verify_callback(project, S("[1,2]"), &callback), 2004);
    CHECK_CODE(wp_project_verify_callback(project, S("{\"payment\":{\"id\":\"p\"},\"signature\":\"forged\"}"), &callback),
               WP_ERR_INVALID_SIGNATURE);
    CHECK(callback == NULL);

    /* Buffers too small say how much they need. */
    CHECK_CODE(wp_sign_string(S("a:1"), S(SECRET), sig, 10, &needed), WP_ERR_BUFFER_TOO_SMALL);
    CHECK(needed == 89);
    CHECK_CODE(wp_sign_string(S("a:1"), S(SECRET), sig, 88, &needed), WP_ERR_BUFFER_TOO_SMALL);
    CHECK_CODE(wp_sign_string(S("a:1"), S(SECRET), sig, 89, &needed), WP_OK);
    CHECK(needed == 88 && strlen(sig) == 88);
    CHECK_CODE(wp_canonical_string(S("[1]"), &bytes), 1006);
    CHECK_CODE(wp_canonical_string(S("{\"b\":true,\"a\":{\"y\":null,\"x\":[4,5]},\"frame_mode\":\"popup\"}"), &bytes), WP_OK);
    CHECK(bytes != NULL && strcmp((const char *)bytes->data, "a:x:0:4;a:x:1:5;a:y:;b:1") == 0);
    wp_bytes_free(&bytes);
    CHECK(bytes == NULL);
    wp_bytes_free(&bytes); /* the second free through the same variable is a no-op */
    wp_project_free(&project);
    wp_project_free(&project);
}

static wp_state state_of(const wp_payment *p) {
    wp_state s = WP_STATE_UNKNOWN;
    if (wp_payment_state(p, &s) != WP_OK) {
        failed++;
    }
    return s;
}

static void apply_all(wp_project *project, wp_payment *payment, wp_list *callbacks, uint64_t now) {
    size_t n = 0, i;
    CHECK_CODE(wp_list_len(callbacks, &n), WP_OK);
    for (i = 0; i < n; i++) {
        const uint8_t *data = NULL;
        size_t len = 0;
        wp_callback *cb = NULL;
        wp_step *step = NULL;
        uint16_t answer = 0;
        size_t count = 0;
        wp_action_kind kind;
        CHECK_CODE(wp_list_get(callbacks, i, &data, &len), WP_OK);
        CHECK_CODE(wp_project_verify_callback(project, data, len, &cb), WP_OK);
        CHECK_CODE(wp_payment_apply(payment, project, cb, now + i, &step), WP_OK);
        CHECK_CODE(wp_step_action_count(step, &count), WP_OK);
        CHECK(count >= 1);
        CHECK_CODE(wp_step_action_kind(step, count - 1, &kind), WP_OK);
        CHECK(kind == WP_ACTION_ANSWER_CALLBACK);
        CHECK_CODE(wp_step_action_http_status(step, count - 1, &answer), WP_OK);
        CHECK(answer == 200);
        CHECK_CODE(wp_step_action_kind(step, count, &kind), WP_ERR_INVALID_ARGUMENT);
        wp_step_free(&step);
        wp_callback_free(&cb);
    }
    CHECK_CODE(wp_list_get(callbacks, n, NULL, NULL), WP_ERR_NULL_POINTER);
}

static void test_lifecycle_and_wrong_states(void) {
    wp_sandbox *sandbox = NULL;
    wp_project *project = NULL;
    wp_payment *payment = NULL, *restored = NULL;
    wp_request *request = NULL;
    wp_step *step = NULL;
    wp_bytes *body = NULL, *snapshot = NULL, *html = NULL;
    wp_list *callbacks = NULL;
    uint16_t status = 0;
    wp_outcome outcome;
    wp_state from, to;
    uint64_t version = 0, deadline = 0;
    bool has = false;
    const uint8_t *url = NULL;
    size_t url_len = 0, headers = 0;

    CHECK_CODE(wp_sandbox_new(48039, S(SECRET), 7, &sandbox), WP_OK);
    CHECK_CODE(wp_project_new(48039, S(SECRET), NULL, 0, NULL, 0, &project), WP_OK);
    CHECK_CODE(wp_payment_new(project, S(ORDER), &payment), WP_OK);
    CHECK(state_of(payment) == WP_STATE_CREATED);

    /* Wrong states: nothing in flight, no refund before success, no redirect yet. */
    CHECK_CODE(wp_payment_on_transport_failure(payment, project, 1, &step), 1009);
    CHECK_CODE(wp_payment_refund(payment, project, S("early"), NULL, 0, 0, 1, &request), WP_ERR_INVALID_TRANSITION);
    CHECK_CODE(wp_payment_redirect_html(payment, &html), WP_ERR_INVALID_TRANSITION);
    CHECK(step == NULL && request == NULL && html == NULL);

    CHECK_CODE(wp_payment_gate_sale(payment, project, 1000, &request), WP_OK);
    CHECK_CODE(wp_request_url(request, &url, &url_len), WP_OK);
    CHECK(url_len == strlen("https://api.ecommpay.com/v2/payment/wallet-partner/sale") &&
          memcmp(url, "https://api.ecommpay.com/v2/payment/wallet-partner/sale", url_len) == 0);
    CHECK_CODE(wp_request_header_count(request, &headers), WP_OK);
    CHECK(headers == 2);
    CHECK_CODE(wp_request_header(request, 5, &url, &url_len, &url, &url_len), WP_ERR_INVALID_ARGUMENT);
    CHECK_CODE(wp_sandbox_handle(sandbox, request, &status, &body), WP_OK);
    CHECK(status == 200);
    CHECK_CODE(wp_payment_on_response(payment, project, status, body->data, body->len, 1100, &step), WP_OK);
    CHECK_CODE(wp_step_outcome(step, &outcome, &from, &to), WP_OK);
    CHECK(outcome == WP_OUTCOME_TRANSITIONED && from == WP_STATE_CREATED && to == WP_STATE_PENDING);
    CHECK_CODE(wp_payment_next_deadline(payment, &deadline, &has), WP_OK);
    CHECK(has && deadline == 1100 + 15 * 60 * 1000);
    wp_step_free(&step);
    wp_bytes_free(&body);
    wp_request_free(&request);

    CHECK_CODE(wp_sandbox_complete_sale(sandbox, S("pos-1"), WP_SALE_REDIRECT_THEN_SUCCESS, &callbacks), WP_OK);
    apply_all(project, payment, callbacks, 2000);
    CHECK(state_of(payment) == WP_STATE_SUCCEEDED);
    /* The same callbacks again: duplicates and stale, nothing changes. */
    CHECK_CODE(wp_payment_version(payment, &version), WP_OK);
    apply_all(project, payment, callbacks, 3000);
    {
        uint64_t again = 0;
        CHECK_CODE(wp_payment_version(payment, &again), WP_OK);
        CHECK(again == version);
    }
    wp_list_free(&callbacks);

    /* Persist and restore. */
    CHECK_CODE(wp_payment_snapshot(payment, &snapshot), WP_OK);
    CHECK(strstr((const char *)snapshot->data, SECRET) == NULL);
    CHECK_CODE(wp_payment_restore(project, snapshot->data, snapshot->len, &restored), WP_OK);
    CHECK(state_of(restored) == WP_STATE_SUCCEEDED);
    wp_payment_free(&restored);
    CHECK_CODE(wp_payment_restore(project, S("{\"schema\":99}"), &restored), 2014);
    wp_bytes_free(&snapshot);

    /* Partial refund refused, full refund accepted, a second refund refused. */
    CHECK_CODE(wp_payment_refund(payment, project, S("partial"), NULL, 0, 1000, 4000, &request), 1008);
    CHECK_CODE(wp_payment_refund(payment, project, S("returned"), S("r-1"), 125000, 4000, &request), WP_OK);
    CHECK(state_of(payment) == WP_STATE_REFUND_PENDING);
    {
        wp_request *second = NULL;
        CHECK_CODE(wp_payment_refund(payment, project, S("again"), NULL, 0, 0, 4001, &second), WP_ERR_INVALID_TRANSITION);
        CHECK(second == NULL);
    }
    CHECK_CODE(wp_sandbox_handle(sandbox, request, &status, &body), WP_OK);
    CHECK_CODE(wp_payment_on_response(payment, project, status, body->data, body->len, 4100, &step), WP_OK);
    wp_step_free(&step);
    wp_bytes_free(&body);
    wp_request_free(&request);
    CHECK_CODE(wp_sandbox_complete_refund(sandbox, S("pos-1"), WP_REFUND_SUCCESS, &callbacks), WP_OK);
    apply_all(project, payment, callbacks, 5000);
    wp_list_free(&callbacks);
    CHECK(state_of(payment) == WP_STATE_REFUNDED);

    /* The sandbox refuses to end a sale that already ended. */
    CHECK_CODE(wp_sandbox_complete_sale(sandbox, S("pos-1"), WP_SALE_DECLINE, &callbacks), 1007);

    wp_payment_free(&payment);
    wp_payment_free(&payment);
    wp_project_free(&project);
    wp_sandbox_free(&sandbox);
}

/* The Data API and reconciliation: NULL everywhere, bad input, typed errors, no state change. */
static void test_data_api(void) {
    wp_data_api *api = NULL;
    wp_request *request = NULL;
    wp_operations *ops = NULL;
    wp_pager *pager = NULL;
    wp_reconciler *rec = NULL;
    wp_report *report = NULL;
    wp_project *project = NULL;
    wp_finding finding;
    size_t n = 99;
    uint64_t value = 0;
    bool done = false, present = true;
    const uint8_t *data = NULL;
    const char *query = "{\"interval_from\":\"2026-11-01 00:00:00\",\"interval_to\":\"2026-11-02 00:00:00\"}";
    wp_bytes *signature = NULL;
    char page[160];

    CHECK_CODE(wp_data_api_new(NULL, 5, S("secret"), NULL, 0, &api), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_data_api_new(S("token"), S("secret"), NULL, 0, NULL), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_data_api_new(S(""), S("secret"), NULL, 0, &api), WP_ERR_INVALID_FIELD);
    CHECK_CODE(wp_data_api_new(S("token"), S("secret"), S("ftp://x"), &api), WP_ERR_INVALID_FIELD);
    CHECK_CODE(wp_data_api_new(S("tok\xff"), S("secret"), NULL, 0, &api), WP_ERR_INVALID_UTF8);
    CHECK(api == NULL);
    CHECK_CODE(wp_data_api_new(S("token"), S("secret"), NULL, 0, &api), WP_OK);

    CHECK_CODE(wp_data_api_operations_get(NULL, (const uint8_t *)query, strlen(query), &request), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_data_api_operations_get(api, NULL, 3, &request), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_data_api_operations_get(api, S("{\"interval_from\":1}"), &request), WP_ERR_INVALID_FIELD);
    CHECK_CODE(wp_data_api_operations_get(api, S("{\"interval_from\":\"2026-11-01 00:00:00\",\"interval_to\":\"2026-11-02 00:00:00\",\"limt\":5}"), &request), WP_ERR_INVALID_FIELD);
    CHECK_CODE(wp_data_api_operations_get(api, S("not json"), &request), WP_ERR_MALFORMED_JSON);
    CHECK(request == NULL);
    CHECK_CODE(wp_data_api_operations_get(api, (const uint8_t *)query, strlen(query), &request), WP_OK);
    wp_request_free(&request);
    CHECK_CODE(wp_data_api_operations_get_by_payment(api, NULL, 1, &request), WP_ERR_NULL_POINTER);

    CHECK_CODE(wp_data_api_verify_operations(api, 200, S("{\"operations\":[],\"signature\":\"x\"}"), NULL, 0, NULL, 0, &ops), WP_ERR_INVALID_SIGNATURE);
    CHECK_CODE(wp_data_api_verify_operations(api, 429, S("{}"), NULL, 0, NULL, 0, &ops), WP_ERR_RATE_LIMITED);
    CHECK_CODE(wp_data_api_verify_operations(api, 500, S("oops"), NULL, 0, NULL, 0, &ops), WP_ERR_DATA_API);
    CHECK_CODE(wp_data_api_verify_operations(api, 200, S("{}"), S("Mars/Olympus"), NULL, 0, &ops), WP_ERR_INVALID_FIELD);
    CHECK_CODE(wp_data_api_verify_operations(api, 200, NULL, 0, NULL, 0, NULL, 0, NULL), WP_ERR_NULL_POINTER);
    CHECK(ops == NULL);
    CHECK_CODE(wp_operations_len(NULL, &n), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_operations_text(NULL, 0, WP_OP_PAYMENT_ID, &data, &n, &present), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_operations_number(NULL, 0, WP_OP_AMOUNT, &value, &present), WP_ERR_NULL_POINTER);

    CHECK_CODE(wp_pager_new(api, S("{\"interval_from\":\"2026-11-01 00:00:00\",\"interval_to\":\"2026-11-02 00:00:00\"}"), -1, &pager), WP_ERR_INVALID_FIELD);
    CHECK_CODE(wp_pager_new(api, (const uint8_t *)query, strlen(query), 300, &pager), WP_OK);
    CHECK_CODE(wp_pager_next_request(pager, NULL, &done), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_pager_feed(pager, 200, S("{\"operations\":[],\"signature\":\"x\"}"), &ops), WP_ERR_INVALID_SIGNATURE);
    CHECK_CODE(wp_pager_next_request(pager, &request, &done), WP_OK); /* unchanged by the failure */
    CHECK(!done && request != NULL);
    wp_request_free(&request);
    wp_pager_free(&pager);
    wp_pager_free(&pager);

    CHECK_CODE(wp_project_new(48039, S("s"), NULL, 0, NULL, 0, &project), WP_OK);
    CHECK_CODE(wp_reconciler_new(NULL, &rec), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_reconciler_new(project, &rec), WP_OK);
    CHECK_CODE(wp_reconciler_add_snapshot(rec, project, S("{}")), WP_ERR_INVALID_SNAPSHOT);
    CHECK_CODE(wp_reconciler_add_snapshot(NULL, project, S("{}")), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_reconciler_add_operations(rec, NULL), WP_ERR_NULL_POINTER);
    /* add_page: pointers checked, errors as wp_data_api_verify_operations, out_len optional. */
    n = 99;
    CHECK_CODE(wp_reconciler_add_page(NULL, api, 200, S("{}"), NULL, 0, &n), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_reconciler_add_page(rec, NULL, 200, S("{}"), NULL, 0, &n), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_reconciler_add_page(rec, api, 200, NULL, 5, NULL, 0, &n), WP_ERR_NULL_POINTER);
    CHECK_CODE(wp_reconciler_add_page(rec, api, 200, NULL, 0, NULL, 0, &n), WP_ERR_MALFORMED_JSON); /* empty */
    CHECK_CODE(wp_reconciler_add_page(rec, api, 200, S("{\"operations\":[],\"signature\":\"x\"}"), NULL, 0, &n), WP_ERR_INVALID_SIGNATURE);
    CHECK_CODE(wp_reconciler_add_page(rec, api, 429, S("{}"), NULL, 0, NULL), WP_ERR_RATE_LIMITED);
    CHECK_CODE(wp_reconciler_add_page(rec, api, 200, S("{}"), S("Mars/Olympus"), &n), WP_ERR_INVALID_FIELD);
    CHECK(n == 99); /* untouched by the failures */
    CHECK_CODE(wp_sign(S("{\"operations\":[]}"), S("secret"), &signature), WP_OK);
    snprintf(page, sizeof page, "{\"operations\":[],\"signature\":\"%s\"}", (const char *)signature->data);
    wp_bytes_free(&signature);
    CHECK_CODE(wp_reconciler_add_page(rec, api, 200, (const uint8_t *)page, strlen(page), NULL, 0, NULL), WP_OK);
    CHECK_CODE(wp_reconciler_add_page(rec, api, 200, (const uint8_t *)page, strlen(page), S("UTC"), &n), WP_OK);
    CHECK(n == 0);
    CHECK_CODE(wp_reconciler_report(rec, &report), WP_OK);
    CHECK_CODE(wp_report_len(report, &n), WP_OK);
    CHECK(n == 0);
    CHECK_CODE(wp_report_finding(report, 0, &finding), WP_ERR_INVALID_ARGUMENT);
    CHECK_CODE(wp_report_count(report, S("duplicate"), &value), WP_OK);
    CHECK(value == 0);
    CHECK_CODE(wp_report_count(report, S("nonsense"), &value), WP_ERR_INVALID_ARGUMENT);
    CHECK_CODE(wp_report_matched(NULL, &value), WP_ERR_NULL_POINTER);
    wp_report_free(&report);
    wp_report_free(&report);
    wp_reconciler_free(&rec);
    wp_reconciler_free(NULL);
    wp_project_free(&project);
    wp_operations_free(&ops);
    wp_data_api_free(&api);
    wp_data_api_free(&api);
    CHECK(api == NULL);
}

int main(void) {
    test_version_and_messages();
    test_data_api();
    test_null_pointers();
    test_invalid_input();
    test_lifecycle_and_wrong_states();
    printf("c_api_test: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
