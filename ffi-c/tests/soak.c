/* Soak test through the C API (issue 16): many callback verifications (valid and forged) and
 * many full payment lifecycles (sale, redirect, success, refund, snapshot, restore) in one
 * process, sampling the resident set size. After a warm-up it must stay flat: within 5 MiB.
 *
 *   soak [VERIFICATIONS] [LIFECYCLES]     (default 1000000 100000; CI runs 100000 10000)
 *
 * Built without sanitizers (their quarantine would hold freed memory and look like growth). */
#include "wallet_partner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECRET "soak-secret"
#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)
#define LIMIT_KIB (5 * 1024)

static void die(const char *what, wp_result r) {
    char msg[256];
    wp_result_message(r, msg, sizeof msg);
    fprintf(stderr, "soak: %s failed: %u %s\n", what, r, msg);
    exit(1);
}

#define OK(call) do { wp_result r_ = (call); if (r_ != WP_OK) die(#call, r_); } while (0)

static long rss_kib(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &pages, &resident) != 2) {
        fprintf(stderr, "soak: cannot read /proc/self/statm\n");
        exit(1);
    }
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* RSS samples: the first tenth of each phase warms up; after it, max - min must stay small. */
typedef struct {
    const char *phase;
    long after_warmup, min, max;
} track;

static void sample(track *t, long i, long n) {
    long now;
    if (i % (n / 20 > 0 ? n / 20 : 1) != 0) return;
    now = rss_kib();
    if (i < n / 10) return;
    if (t->after_warmup == 0) t->after_warmup = t->min = t->max = now;
    if (now < t->min) t->min = now;
    if (now > t->max) t->max = now;
}

static int report(const track *t, long n) {
    long growth = t->max - t->after_warmup;
    printf("soak %-13s %8ld iterations: RSS after warm-up %6ld KiB, min %6ld, max %6ld, growth %5ld KiB (limit %d)\n",
           t->phase, n, t->after_warmup, t->min, t->max, growth, LIMIT_KIB);
    return growth <= LIMIT_KIB;
}

static const char ORDER_FMT[] =
    "{\"payment_id\":\"soak-%ld\",\"amount\":125000,\"customer\":{\"id\":\"c1\",\"ip_address\":\"203.0.113.7\","
    "\"first_name\":\"A\",\"last_name\":\"B\",\"phone\":\"919876543210\",\"email\":\"a@b.in\"},"
    "\"return_url\":{\"success\":\"https://pos.example/ok\"}}";

static void apply_all(const wp_project *project, wp_payment *payment, wp_list *callbacks, uint64_t now) {
    size_t n = 0, i;
    OK(wp_list_len(callbacks, &n));
    for (i = 0; i < n; i++) {
        const uint8_t *data = NULL;
        size_t len = 0;
        wp_callback *cb = NULL;
        wp_step *step = NULL;
        OK(wp_list_get(callbacks, i, &data, &len));
        OK(wp_project_verify_callback(project, data, len, &cb));
        OK(wp_payment_apply(payment, project, cb, now + i, &step));
        wp_step_free(&step);
        wp_callback_free(&cb);
    }
}

static void send(wp_sandbox *sandbox, wp_payment *payment, const wp_project *project, wp_request *request,
                 uint64_t now) {
    uint16_t status = 0;
    wp_bytes *body = NULL;
    wp_step *step = NULL;
    OK(wp_sandbox_handle(sandbox, request, &status, &body));
    OK(wp_payment_on_response(payment, project, status, body->data, body->len, now, &step));
    wp_step_free(&step);
    wp_bytes_free(&body);
}

/* One payment from the sale to the refund, persisted and restored on the way. */
static void lifecycle(const wp_project *project, long i) {
    char order[512], id[32];
    int id_len, order_len;
    wp_sandbox *sandbox = NULL;
    wp_payment *payment = NULL, *restored = NULL;
    wp_request *request = NULL;
    wp_list *callbacks = NULL;
    wp_bytes *snapshot = NULL;
    wp_state state = WP_STATE_UNKNOWN;

    order_len = snprintf(order, sizeof order, ORDER_FMT, i);
    id_len = snprintf(id, sizeof id, "soak-%ld", i);
    OK(wp_sandbox_new(48039, S(SECRET), (uint64_t)i, &sandbox));
    OK(wp_payment_new(project, (const uint8_t *)order, (size_t)order_len, &payment));
    OK(wp_payment_gate_sale(payment, project, 1000, &request));
    send(sandbox, payment, project, request, 1100);
    wp_request_free(&request);
    OK(wp_sandbox_complete_sale(sandbox, (const uint8_t *)id, (size_t)id_len, WP_SALE_REDIRECT_THEN_SUCCESS, &callbacks));
    apply_all(project, payment, callbacks, 2000);
    wp_list_free(&callbacks);
    OK(wp_payment_snapshot(payment, &snapshot));
    OK(wp_payment_restore(project, snapshot->data, snapshot->len, &restored));
    wp_bytes_free(&snapshot);
    wp_payment_free(&payment);
    OK(wp_payment_refund(restored, project, S("returned"), NULL, 0, 0, 3000, &request));
    send(sandbox, restored, project, request, 3100);
    wp_request_free(&request);
    OK(wp_sandbox_complete_refund(sandbox, (const uint8_t *)id, (size_t)id_len, WP_REFUND_SUCCESS, &callbacks));
    apply_all(project, restored, callbacks, 4000);
    wp_list_free(&callbacks);
    OK(wp_payment_state(restored, &state));
    if (state != WP_STATE_REFUNDED) {
        fprintf(stderr, "soak: lifecycle %ld ended in state %d\n", i, (int)state);
        exit(1);
    }
    wp_payment_free(&restored);
    wp_sandbox_free(&sandbox);
}

int main(int argc, char **argv) {
    long verifications = argc > 1 ? atol(argv[1]) : 1000000;
    long lifecycles = argc > 2 ? atol(argv[2]) : 100000;
    wp_project *project = NULL, *rotated = NULL;
    wp_sandbox *sandbox = NULL;
    wp_list *callbacks = NULL;
    wp_request *request = NULL;
    wp_payment *payment = NULL;
    const uint8_t *body = NULL;
    size_t body_len = 0;
    char order[512], forged[4096];
    int order_len;
    long i, valid = 0, refused = 0;
    track verify = {"verifications", 0, 0, 0}, cycles = {"lifecycles", 0, 0, 0};
    int ok;

    if (verifications < 20 || lifecycles < 20) {
        fprintf(stderr, "usage: soak [VERIFICATIONS >= 20] [LIFECYCLES >= 20]\n");
        return 2;
    }
    OK(wp_project_new(48039, S(SECRET), NULL, 0, NULL, 0, &project));
    /* Two keys, so each forged body is tried against both (the rotation path). */
    OK(wp_project_with_verification_key(project, S("previous"), S("soak-old-secret"), &rotated));

    /* A real signed callback from the sandbox; a forged copy with one byte of the body changed. */
    OK(wp_sandbox_new(48039, S(SECRET), 1, &sandbox));
    order_len = snprintf(order, sizeof order, ORDER_FMT, -1L);
    OK(wp_payment_new(project, (const uint8_t *)order, (size_t)order_len, &payment));
    OK(wp_payment_gate_sale(payment, project, 1, &request));
    send(sandbox, payment, project, request, 2);
    OK(wp_sandbox_complete_sale(sandbox, S("soak--1"), WP_SALE_SUCCESS, &callbacks));
    OK(wp_list_get(callbacks, 0, &body, &body_len));
    if (body_len >= sizeof forged) return 1;
    memcpy(forged, body, body_len);
    {
        char *amount = strstr(forged, "125000");
        if (!amount) return 1;
        amount[0] = '9';
    }

    for (i = 0; i < verifications; i++) {
        wp_callback *cb = NULL;
        wp_result r;
        if (i % 4 == 3) {
            r = wp_project_verify_callback(rotated, (const uint8_t *)forged, body_len, &cb);
            if (r != WP_ERR_INVALID_SIGNATURE) die("forged callback accepted or wrong code", r);
            refused++;
        } else {
            OK(wp_project_verify_callback(i % 2 ? rotated : project, body, body_len, &cb));
            valid++;
        }
        wp_callback_free(&cb);
        sample(&verify, i, verifications);
    }
    for (i = 0; i < lifecycles; i++) {
        lifecycle(project, i);
        sample(&cycles, i, lifecycles);
    }
    printf("soak: %ld callbacks verified, %ld forged ones refused (2002), %ld lifecycles refunded\n", valid, refused,
           lifecycles);
    ok = report(&verify, verifications) & report(&cycles, lifecycles);
    wp_list_free(&callbacks);
    wp_request_free(&request);
    wp_payment_free(&payment);
    wp_sandbox_free(&sandbox);
    wp_project_free(&rotated);
    wp_project_free(&project);
    printf("soak: %s\n", ok ? "RSS flat" : "RSS GREW");
    return ok ? 0 : 1;
}
