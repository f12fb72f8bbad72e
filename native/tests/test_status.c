/* Every status code the ABI can return, each from the misuse that causes it, with the last error naming the function;
 * cancellation from the progress callback; the handle stays usable after every failure. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>

#include "test_support.h"

static void null_pointers(void)
{
    small_set s = small_set_make();
    fastnmf_params p = small_params();
    fastnmf_factorizer* f = NULL;
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_create(NULL, &f));
    EXPECT_ERROR_MENTIONS("fastnmf_factorizer_create: params is NULL");
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_create(&p, NULL));
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_params_init(NULL, sizeof p));
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_run_f32(NULL, s.data, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("factorizer is NULL");
    f = small_factorizer();
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_run_f32(f, NULL, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("data is NULL");
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_run_f32(f, s.data, s.length, NULL));
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_set_mask(f, NULL, 16, 16));
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_set_kernel(f, NULL, 3));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    size_t n = 0;
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_get_w(f, NULL, 100000, &n));
    CHECK(n == 512);
    double mse[40];
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_get_history(f, mse, NULL, mse, 40, NULL));
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_get_result_info(f, NULL));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static void bad_struct_sizes(void)
{
    fastnmf_params p;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_STRUCT_SIZE, fastnmf_params_init(&p, sizeof p + 8));  /* a newer header */
    EXPECT_ERROR_MENTIONS("struct_size");
    EXPECT_STATUS(FASTNMF_STATUS_BAD_STRUCT_SIZE, fastnmf_params_init(&p, 4));
    p = small_params();
    p.struct_size = 0;  /* never set */
    fastnmf_factorizer* f = NULL;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_STRUCT_SIZE, fastnmf_factorizer_create(&p, &f));
    CHECK(f == NULL);
    small_set s = small_set_make();
    f = small_factorizer();
    fastnmf_layout l = s.layout;
    l.struct_size = sizeof l - 8;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_STRUCT_SIZE, fastnmf_factorizer_run_f32(f, s.data, s.length, &l));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    fastnmf_result_info info;
    memset(&info, 0, sizeof info);
    EXPECT_STATUS(FASTNMF_STATUS_BAD_STRUCT_SIZE, fastnmf_factorizer_get_result_info(f, &info));
    fastnmf_simulation sim;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_STRUCT_SIZE, fastnmf_simulation_init(&sim, 1));
    EXPECT_STATUS(FASTNMF_STATUS_BAD_STRUCT_SIZE, fastnmf_layout_init(&l, 0, 1, 1, 1, 1));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static void invalid_and_destroyed_handles(void)
{
    float w[512];
    /* A made-up value, a real pointer to something else, and a handle after destroy. */
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_factorizer_get_w((fastnmf_factorizer*)(uintptr_t)0x1234, w, 512, NULL));
    EXPECT_ERROR_MENTIONS("not a handle");
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_factorizer_get_w((fastnmf_factorizer*)(void*)w, w, 512, NULL));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_factorizer_destroy((fastnmf_factorizer*)(void*)w));
    fastnmf_factorizer* f = small_factorizer();
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_factorizer_clear_mask(f));
    EXPECT_ERROR_MENTIONS("destroyed");
    /* Destroy is idempotent, NULL included. */
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    EXPECT_OK(fastnmf_factorizer_destroy(NULL));
    /* A new handle reuses the slot with a new generation: the old handle stays invalid. */
    fastnmf_factorizer* g = small_factorizer();
    CHECK(g != f);
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_factorizer_clear_mask(f));
    EXPECT_OK(fastnmf_factorizer_clear_mask(g));
    EXPECT_OK(fastnmf_factorizer_destroy(g));
}

static void invalid_arguments(void)
{
    small_set s = small_set_make();
    fastnmf_params p = small_params();
    fastnmf_factorizer* f = NULL;
    p.components = 0;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_create(&p, &f));
    EXPECT_ERROR_MENTIONS("components");
    p = small_params();
    p.method = 7;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_create(&p, &f));
    EXPECT_ERROR_MENTIONS("method");
    p = small_params();
    p.iterations = 0;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_create(&p, &f));
    p = small_params();
    p.tolerance = NAN;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_create(&p, &f));
    p = small_params();
    p.storage = 4;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_create(&p, &f));
    f = small_factorizer();
    /* k out of range for this data set: 1 <= k < min(256 pixels, 144 positions). */
    p = small_params();
    p.components = 144;
    EXPECT_OK(fastnmf_factorizer_set_params(f, &p));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("fastnmf_factorizer_run_f32: components");
    p.components = 2;
    EXPECT_OK(fastnmf_factorizer_set_params(f, &p));
    const float even[4] = {1, 1, 1, 1}, negative[9] = {1, 1, 1, 1, -1, 1, 1, 1, 1};
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_kernel(f, even, 2));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_kernel(f, negative, 3));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_kernel_probe(f, 9, 2.0, 1.5, 0, 0.5));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_kernel_probe(f, FASTNMF_KERNEL_GAUSSIAN, -2.0, 1.5, 0, 0.5));
    uint8_t all[16 * 16];
    memset(all, 1, sizeof all);
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_mask(f, all, 16, 16));
    EXPECT_ERROR_MENTIONS("every detector pixel");
    uint8_t small_mask[8 * 8] = {0};
    EXPECT_OK(fastnmf_factorizer_set_mask(f, small_mask, 8, 8));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("mask is 8");
    EXPECT_OK(fastnmf_factorizer_clear_mask(f));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static void bad_layouts(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = small_factorizer();
    fastnmf_layout l = s.layout;
    l.stride_det_col = -1;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_LAYOUT, fastnmf_factorizer_run_f32(f, s.data, s.length, &l));
    EXPECT_ERROR_MENTIONS("stride_det_col");
    l = s.layout;
    l.det_rows = 0;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_LAYOUT, fastnmf_factorizer_run_f32(f, s.data, s.length, &l));
    /* One element short of what the layout reaches. */
    EXPECT_STATUS(FASTNMF_STATUS_BAD_LAYOUT, fastnmf_factorizer_run_f32(f, s.data, s.length - 1, &s.layout));
    EXPECT_ERROR_MENTIONS("data_length");
    l = s.layout;
    l.stride_scan_row = INT64_MAX;  /* reach overflows 64 bits: still caught */
    EXPECT_STATUS(FASTNMF_STATUS_BAD_LAYOUT, fastnmf_factorizer_run_f32(f, s.data, s.length, &l));
    EXPECT_STATUS(FASTNMF_STATUS_BAD_LAYOUT,
                  fastnmf_factorizer_run_f32(f, (const float*)(const void*)((const char*)s.data + 1), s.length - 1, &s.layout));
    EXPECT_ERROR_MENTIONS("aligned");
    EXPECT_STATUS(FASTNMF_STATUS_BAD_LAYOUT, fastnmf_layout_init(&l, sizeof l, 12, 0, 16, 16));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static void bad_data(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = small_factorizer();
    s.data[((3 * 12 + 4) * 16 + 10) * 16 + 12] = NAN;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_DATA, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("element (3, 4, 10, 12) is NaN");
    s.data[((3 * 12 + 4) * 16 + 10) * 16 + 12] = -2.5f;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_DATA, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("negative");
    s.data[((3 * 12 + 4) * 16 + 10) * 16 + 12] = INFINITY;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_DATA, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    /* All zeros: any W with H = 0 fits exactly, so there is nothing to factorize. */
    memset(s.data, 0, s.length * sizeof *s.data);
    EXPECT_STATUS(FASTNMF_STATUS_BAD_DATA, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("all zeros");
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static void no_result_before_a_run_and_after_a_failed_one(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = small_factorizer();
    float w[512];
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_factorizer_get_w(f, w, 512, NULL));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_OK(fastnmf_factorizer_get_w(f, w, 512, NULL));
    EXPECT_STATUS(FASTNMF_STATUS_BAD_LAYOUT, fastnmf_factorizer_run_f32(f, s.data, 10, &s.layout));
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_factorizer_get_w(f, w, 512, NULL));
    fastnmf_result_info info = {.struct_size = sizeof info};
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_factorizer_get_result_info(f, &info));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

/* A short buffer is refused with the required size, and not written. */
static void buffer_too_small_reports_required_size(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = small_factorizer();
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    float w[512];
    for (int i = 0; i < 512; i++) {
        w[i] = -1;
    }
    size_t needed = 0;
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_factorizer_get_w(f, w, 511, &needed));
    EXPECT_ERROR_MENTIONS("needs 512");
    CHECK(needed == 512);
    for (int i = 0; i < 512; i++) {
        CHECK(w[i] == -1);
    }
    float h[288];
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_factorizer_get_h(f, h, 100, &needed));
    CHECK(needed == 288);
    double a[40], b[40], c[40];
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_factorizer_get_history(f, a, b, c, 39, &needed));
    CHECK(needed == 40);
    char text[4];
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_describe_backend(text, sizeof text, &needed));
    CHECK(needed > sizeof text);
    fastnmf_simulation sim;
    EXPECT_OK(fastnmf_simulation_init(&sim, sizeof sim));
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_simulate(&sim, h, 288, &needed));
    CHECK(needed == 36u * 36u * 128u * 128u);
    EXPECT_OK(fastnmf_factorizer_get_w(f, w, 512, &needed));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

typedef struct cancel_state {
    int calls;
    int cancel_at;
} cancel_state;

static int cancel_after(void* user_data, const fastnmf_progress* p)
{
    cancel_state* st = user_data;
    (void)p;
    st->calls++;
    return st->calls >= st->cancel_at;
}

static void cancel_from_callback(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = small_factorizer();
    cancel_state st = {0, 5};
    EXPECT_OK(fastnmf_factorizer_set_progress(f, cancel_after, &st));
    EXPECT_STATUS(FASTNMF_STATUS_CANCELLED, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("cancelled");
    CHECK(st.calls == 5);  /* nothing is reported after the callback asked to stop */
    float w[512];
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_factorizer_get_w(f, w, 512, NULL));
    /* Cancelling on the very last report still cancels: 40 iterations x 2 restarts = 80 reports. */
    st.calls = 0;
    st.cancel_at = 80;
    EXPECT_STATUS(FASTNMF_STATUS_CANCELLED, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    CHECK(st.calls == 80);
    st.calls = 0;
    st.cancel_at = 1000;
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_OK(fastnmf_factorizer_get_w(f, w, 512, NULL));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

/* Values this large overflow float in W·X products: the iteration breaks down and says so. */
static void numerical_failure(void)
{
    small_set s = small_set_make();
    for (size_t i = 0; i < s.length; i++) {
        s.data[i] = 3.0e38f;
    }
    fastnmf_params p = small_params();
    p.method = FASTNMF_METHOD_MU;
    fastnmf_factorizer* f = factorizer_with(&p);
    EXPECT_STATUS(FASTNMF_STATUS_NUMERICAL_FAILURE, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("fastnmf_factorizer_run_f32");
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

/* 1024 x 1024 frames of 512 x 512 pixels through a broadcast (zero-stride) view of one value: X would need 1 TiB. */
static void out_of_memory(void)
{
    float one = 1.0f;
    fastnmf_layout l = {sizeof l, 1024, 1024, 512, 512, 0, 0, 0, 0, 0};
    fastnmf_factorizer* f = small_factorizer();
    EXPECT_STATUS(FASTNMF_STATUS_OUT_OF_MEMORY, fastnmf_factorizer_run_f32(f, &one, 1, &l));
    EXPECT_ERROR_MENTIONS("MiB");
    EXPECT_OK(fastnmf_factorizer_destroy(f));
}

typedef struct reentry_state {
    fastnmf_factorizer* f;
    fastnmf_status seen;
} reentry_state;

static int call_back_into_handle(void* user_data, const fastnmf_progress* p)
{
    reentry_state* st = user_data;
    float w[512];
    (void)p;
    st->seen = fastnmf_factorizer_get_w(st->f, w, 512, NULL);
    return 0;
}

/* The handle is busy while it runs: a callback that calls back into it is refused, not allowed to corrupt it. */
static void busy_inside_own_callback(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = small_factorizer();
    reentry_state st = {f, FASTNMF_STATUS_OK};
    EXPECT_OK(fastnmf_factorizer_set_progress(f, call_back_into_handle, &st));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    CHECK(st.seen == FASTNMF_STATUS_BUSY);
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

/* Run under FASTNMF_NO_NATIVE_BLAS=1 (set by CTest), as on a machine without MKL. */
static void backend_unavailable(void)
{
    small_set s = small_set_make();
    fastnmf_params p = small_params();
    p.backend = FASTNMF_BACKEND_MKL;
    fastnmf_factorizer* f = factorizer_with(&p);
    EXPECT_STATUS(FASTNMF_STATUS_BACKEND_UNAVAILABLE, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("mkl is not available");
    p.backend = FASTNMF_BACKEND_MANAGED;
    EXPECT_OK(fastnmf_factorizer_set_params(f, &p));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

int main(int argc, char** argv)
{
    static const test_case cases[] = {
        {"null_pointers", null_pointers},
        {"bad_struct_sizes", bad_struct_sizes},
        {"invalid_and_destroyed_handles", invalid_and_destroyed_handles},
        {"invalid_arguments", invalid_arguments},
        {"bad_layouts", bad_layouts},
        {"bad_data", bad_data},
        {"no_result_before_a_run_and_after_a_failed_one", no_result_before_a_run_and_after_a_failed_one},
        {"buffer_too_small_reports_required_size", buffer_too_small_reports_required_size},
        {"cancel_from_callback", cancel_from_callback},
        {"numerical_failure", numerical_failure},
        {"out_of_memory", out_of_memory},
        {"busy_inside_own_callback", busy_inside_own_callback},
        {"backend_unavailable", backend_unavailable},
    };
    return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
