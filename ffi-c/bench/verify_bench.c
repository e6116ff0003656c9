/*
 * Per-call cost of wp_project_verify_callback (+ wp_callback_free) on the shared bench input,
 * to compare with the Rust core's criterion number on the same bytes (ffi-c/bench/run.sh).
 */
#define _POSIX_C_SOURCE 199309L
#include "wallet_partner.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char SECRET[] = "cca813fd1a9b3531cb80aefd598f51dcfd1c3e3ea644a300b6291cf8181f3a85";

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "tests/vectors/bench/success-callback.json";
    FILE *f = fopen(path, "rb");
    static uint8_t body[65536];
    size_t len;
    wp_project *project = NULL;
    double best = 1e30;
    int round, i;
    const int n = 100000;
    if (!f) {
        perror(path);
        return 1;
    }
    len = fread(body, 1, sizeof body, f);
    fclose(f);
    if (wp_project_new(48039, (const uint8_t *)SECRET, sizeof SECRET - 1, NULL, 0, NULL, 0, &project) != WP_OK) {
        return 1;
    }
    for (round = 0; round < 7; round++) {
        double start = now_ns(), per_call;
        for (i = 0; i < n; i++) {
            wp_callback *cb = NULL;
            if (wp_project_verify_callback(project, body, len, &cb) != WP_OK) {
                fprintf(stderr, "verification failed\n");
                return 1;
            }
            wp_callback_free(&cb);
        }
        per_call = (now_ns() - start) / n;
        if (per_call < best) {
            best = per_call;
        }
    }
    printf("C API wp_project_verify_callback: %.1f ns per call (%zu-byte callback, best of 7 x %d)\n", best, len, n);
    wp_project_free(&project);
    return 0;
}
