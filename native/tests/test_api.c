/* Success paths of the C ABI: a factorization of a small simulated set and everything read back from it, the same
 * data through uint16, Fortran order and a padded strided view (bit-identical results), masks, kernels, progress. */
#include <math.h>
#include <stdint.h>

#include "test_support.h"

typedef struct run_output {
    fastnmf_result_info info;
    float* w;
    float* h;
} run_output;

static run_output read_result(fastnmf_factorizer* f)
{
    run_output r;
    r.info.struct_size = sizeof r.info;
    EXPECT_OK(fastnmf_factorizer_get_result_info(f, &r.info));
    size_t w_needed = 0, h_needed = 0;
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_factorizer_get_w(f, NULL, 0, &w_needed));
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_factorizer_get_h(f, NULL, 0, &h_needed));
    CHECK(w_needed == r.info.w_length && h_needed == r.info.h_length);
    r.w = malloc(w_needed * sizeof *r.w);
    r.h = malloc(h_needed * sizeof *r.h);
    CHECK(r.w != NULL && r.h != NULL);
    EXPECT_OK(fastnmf_factorizer_get_w(f, r.w, w_needed, NULL));
    EXPECT_OK(fastnmf_factorizer_get_h(f, r.h, h_needed, NULL));
    return r;
}

static void free_result(run_output* r)
{
    free(r->w);
    free(r->h);
}

static void same_result(const run_output* a, const run_output* b)
{
    CHECK(a->info.w_length == b->info.w_length && a->info.h_length == b->info.h_length);
    CHECK(memcmp(a->w, b->w, a->info.w_length * sizeof(float)) == 0);
    CHECK(memcmp(a->h, b->h, a->info.h_length * sizeof(float)) == 0);
    CHECK(a->info.mse == b->info.mse);
}

static run_output run_small_f32(const float* data, size_t length, const fastnmf_layout* layout)
{
    fastnmf_factorizer* f = small_factorizer();
    EXPECT_OK(fastnmf_factorizer_run_f32(f, data, length, layout));
    run_output r = read_result(f);
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    return r;
}

static void library_identifies_itself(void)
{
    CHECK(fastnmf_get_abi_version() == FASTNMF_ABI_VERSION);
    CHECK(strcmp(fastnmf_status_name(FASTNMF_STATUS_BUSY), "FASTNMF_STATUS_BUSY") == 0);
    CHECK(strcmp(fastnmf_status_name(FASTNMF_STATUS_INTERNAL), "FASTNMF_STATUS_INTERNAL") == 0);
    CHECK(strcmp(fastnmf_status_name((fastnmf_status)99), "unknown status") == 0);
    size_t needed = 0;
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_describe_backend(NULL, 0, &needed));
    CHECK(needed > 8);
    char* text = malloc(needed);
    CHECK(text != NULL);
    EXPECT_OK(fastnmf_describe_backend(text, needed, NULL));
    CHECK(strncmp(text, "backend ", 8) == 0 && strlen(text) == needed - 1);
    CHECK(strcmp(fastnmf_last_error(), "") == 0);
    free(text);
}

static void factorizes_small_set(void)
{
    small_set s = small_set_make();
    run_output r = run_small_f32(s.data, s.length, &s.layout);
    CHECK(r.info.components == 2 && r.info.scan_rows == 12 && r.info.det_cols == 16);
    CHECK(r.info.restarts == 2 && r.info.iterations == 40);
    CHECK(r.info.chosen_restart >= 0 && r.info.chosen_restart < 2);
    CHECK(r.info.w_length == 2u * 16u * 16u && r.info.h_length == 2u * 12u * 12u);
    CHECK(isfinite(r.info.mse) && r.info.mse > 0 && r.info.elapsed_seconds > 0);
    for (int c = 0; c < 2; c++) {  /* each diffraction has unit L1 norm, maps are counts (non-negative) */
        double l1 = 0;
        for (int i = 0; i < 256; i++) {
            l1 += fabs(r.w[c * 256 + i]);
        }
        CHECK(fabs(l1 - 1.0) < 1e-4);
    }
    double total = 0;
    for (size_t i = 0; i < r.info.h_length; i++) {
        CHECK(r.h[i] >= 0);
        total += r.h[i];
    }
    /* The maps hold the electrons: about dose (2000) per scan position in all, on 144 positions. */
    CHECK(total > 0.9 * 2000 * 144 && total < 1.1 * 2000 * 144);
    free_result(&r);
    small_set_free(&s);
}

static void history_matches_result(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = small_factorizer();
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    size_t n = 0;
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_factorizer_get_history(f, NULL, NULL, NULL, 0, &n));
    CHECK(n == 40);
    double mse[40], dw[40], dh[40];
    EXPECT_OK(fastnmf_factorizer_get_history(f, mse, dw, dh, 40, &n));
    fastnmf_result_info info = {.struct_size = sizeof info};
    EXPECT_OK(fastnmf_factorizer_get_result_info(f, &info));
    CHECK(mse[39] == info.mse);
    CHECK(mse[39] <= mse[0]);
    CHECK(dw[0] > 0 && dh[0] > 0);
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

/* The same values as uint16 in Fortran order (det_col slowest ... scan_row fastest) give bit-identical results. */
static void uint16_fortran_order_matches_float32(void)
{
    small_set s = small_set_make();
    run_output expected = run_small_f32(s.data, s.length, &s.layout);
    uint16_t* counts = malloc(s.length * sizeof *counts);
    CHECK(counts != NULL);
    fastnmf_layout fortran = s.layout;
    fortran.stride_scan_row = 1;
    fortran.stride_scan_col = 12;
    fortran.stride_det_row = 12 * 12;
    fortran.stride_det_col = 12 * 12 * 16;
    for (int y = 0; y < 12; y++)
        for (int x = 0; x < 12; x++)
            for (int u = 0; u < 16; u++)
                for (int v = 0; v < 16; v++) {
                    float value = s.data[((y * 12 + x) * 16 + u) * 16 + v];
                    CHECK(value >= 0 && value <= 65535 && value == (float)(uint16_t)value);
                    counts[y + 12 * x + 144 * u + 144 * 16 * v] = (uint16_t)value;
                }
    fastnmf_factorizer* f = small_factorizer();
    EXPECT_OK(fastnmf_factorizer_run_u16(f, counts, s.length, &fortran));
    run_output got = read_result(f);
    same_result(&expected, &got);
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    free_result(&expected);
    free_result(&got);
    free(counts);
    small_set_free(&s);
}

/* Frames inside a larger buffer (each detector row padded by 5, NaN in the padding, one spare frame slot per scan
 * row): only the layout's elements are read, and the caller's buffer is not written. */
static void strided_view_reads_only_its_elements(void)
{
    small_set s = small_set_make();
    run_output expected = run_small_f32(s.data, s.length, &s.layout);
    const int64_t row = 16 + 5, frame = 16 * row, scan_row = 13 * frame;
    size_t length = (size_t)(12 * scan_row);
    float* padded = malloc(length * sizeof *padded);
    CHECK(padded != NULL);
    for (size_t i = 0; i < length; i++) {
        padded[i] = NAN;
    }
    for (int y = 0; y < 12; y++)
        for (int x = 0; x < 12; x++)
            for (int u = 0; u < 16; u++)
                memcpy(padded + y * scan_row + x * frame + u * row, s.data + ((y * 12 + x) * 16 + u) * 16, 16 * sizeof(float));
    float* before = malloc(length * sizeof *before);
    CHECK(before != NULL);
    memcpy(before, padded, length * sizeof *padded);
    fastnmf_layout view = {sizeof view, 12, 12, 16, 16, 0, scan_row, frame, row, 1};
    run_output got = run_small_f32(padded, length, &view);
    same_result(&expected, &got);
    CHECK(memcmp(before, padded, length * sizeof *padded) == 0);  /* NaN bit patterns compare equal byte-wise */
    free_result(&expected);
    free_result(&got);
    free(before);
    free(padded);
    small_set_free(&s);
}

static void mask_zeroes_masked_pixels(void)
{
    small_set s = small_set_make();
    uint8_t masked[16 * 16] = {0};
    for (int u = 6; u < 10; u++)
        for (int v = 6; v < 10; v++)
            masked[u * 16 + v] = 1;
    fastnmf_factorizer* f = small_factorizer();
    EXPECT_OK(fastnmf_factorizer_set_mask(f, masked, 16, 16));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    run_output r = read_result(f);
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 256; i++)
            if (masked[i]) {
                CHECK(r.w[c * 256 + i] == 0.0f);
            }
    EXPECT_OK(fastnmf_factorizer_clear_mask(f));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    run_output unmasked = read_result(f);
    CHECK(unmasked.w[7 * 16 + 7] != 0.0f || unmasked.w[256 + 7 * 16 + 7] != 0.0f);
    free_result(&unmasked);
    free_result(&r);
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static void kernels_and_params_change_the_run(void)
{
    small_set s = small_set_make();
    run_output paper = run_small_f32(s.data, s.length, &s.layout);
    fastnmf_factorizer* f = small_factorizer();
    const float box[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    EXPECT_OK(fastnmf_factorizer_set_kernel(f, box, 3));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    run_output boxed = read_result(f);
    CHECK(memcmp(paper.h, boxed.h, paper.info.h_length * sizeof(float)) != 0);
    EXPECT_OK(fastnmf_factorizer_set_kernel_probe(f, FASTNMF_KERNEL_PSEUDO_VOIGT, 2.0, 1.5, 5, 0.3));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    fastnmf_params p = small_params();
    p.components = 3;
    p.method = FASTNMF_METHOD_ALS;
    EXPECT_OK(fastnmf_factorizer_set_params(f, &p));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    run_output als = read_result(f);
    CHECK(als.info.components == 3 && als.info.w_length == 3u * 256u);
    free_result(&als);
    free_result(&boxed);
    free_result(&paper);
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static double max_abs_difference(const float* a, const float* b, size_t n)
{
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        d = fmax(d, fabs((double)a[i] - b[i]));
    }
    return d;
}

static void protocol_choices_change_the_run(void)
{
    /* A 64 x 64 detector: the share removal needs 16 bright radii (the 16 x 16 set has 9 and runs as the plain protocol). */
    small_set s = simulated_set(12, 64, 1, 20000, 7);
    run_output removed = run_small_f32(s.data, s.length, &s.layout);
    fastnmf_factorizer* f = small_factorizer();
    EXPECT_OK(fastnmf_factorizer_set_protocol(f, FASTNMF_AMORPHOUS_SHARE_KEEP, FASTNMF_FILL_ROUTE_PIXEL));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    run_output kept = read_result(f);
    CHECK(max_abs_difference(removed.w, kept.w, removed.info.w_length) > 1e-4);

    /* set_params keeps the choice: the same run again gives the same bits. */
    fastnmf_params p = small_params();
    EXPECT_OK(fastnmf_factorizer_set_params(f, &p));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    run_output again = read_result(f);
    CHECK(memcmp(kept.w, again.w, kept.info.w_length * sizeof(float)) == 0);

    EXPECT_OK(fastnmf_factorizer_set_protocol(f, FASTNMF_AMORPHOUS_SHARE_REMOVE, FASTNMF_FILL_ROUTE_POLAR));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    run_output polar = read_result(f);
    CHECK(max_abs_difference(removed.w, polar.w, removed.info.w_length) > 1e-6);

    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_protocol(f, 2, FASTNMF_FILL_ROUTE_PIXEL));
    CHECK(strstr(fastnmf_last_error(), "amorphous_share") != NULL);
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_protocol(f, FASTNMF_AMORPHOUS_SHARE_KEEP, -1));
    CHECK(strstr(fastnmf_last_error(), "fill_route") != NULL);
    free_result(&polar);
    free_result(&again);
    free_result(&kept);
    free_result(&removed);
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

typedef struct progress_log {
    int calls;
    int last_iteration[2];
    int bad;
} progress_log;

static int record_progress(void* user_data, const fastnmf_progress* p)
{
    progress_log* log = user_data;
    log->calls++;
    if (p->struct_size != sizeof *p || p->restart < 0 || p->restart > 1 || p->iterations != 40 || !isfinite(p->mse) ||
        p->iteration != log->last_iteration[p->restart] + 1) {
        log->bad++;
    } else {
        log->last_iteration[p->restart] = p->iteration;
    }
    return 0;
}

static void progress_reports_every_iteration(void)
{
    small_set s = small_set_make();
    fastnmf_factorizer* f = small_factorizer();
    progress_log log = {0, {-1, -1}, 0};
    EXPECT_OK(fastnmf_factorizer_set_progress(f, record_progress, &log));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    CHECK(log.calls == 80 && log.bad == 0 && log.last_iteration[0] == 39 && log.last_iteration[1] == 39);
    EXPECT_OK(fastnmf_factorizer_set_progress(f, NULL, NULL));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    CHECK(log.calls == 80);
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static int count_progress(void* user_data, const fastnmf_progress* p)
{
    (void)p;
    ++*(int*)user_data;
    return 0;
}

/* Runs f on s and returns how many restart-iterations the progress callback saw. */
static int restart_iterations_of(fastnmf_factorizer* f, const small_set* s)
{
    int calls = 0;
    EXPECT_OK(fastnmf_factorizer_set_progress(f, count_progress, &calls));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s->data, s->length, &s->layout));
    return calls;
}

/* fastnmf_factorizer_set_fast: the trial prunes restarts, the preset adds the binned stage on a scan that allows it,
 * set_params keeps the choice, FASTNMF_FAST_OFF is the exact protocol again, and bad levers are named. */
static void fast_mode_levers_change_the_schedule(void)
{
    small_set s = simulated_set(16, 16, 1, 2000, 7);
    fastnmf_params p = small_params();
    p.iterations = 120;
    p.restarts = 4;
    fastnmf_factorizer* f = factorizer_with(&p);
    CHECK(restart_iterations_of(f, &s) == 4 * 120);
    run_output exact = read_result(f);

    /* A trial of 10 keeping 2: every restart 10 iterations, two of them the other 110. */
    EXPECT_OK(fastnmf_factorizer_set_fast(f, FASTNMF_FAST_OFF, 10, 2, 0, 0));
    CHECK(restart_iterations_of(f, &s) == 4 * 10 + 2 * 110);
    run_output trial = read_result(f);
    CHECK(trial.info.restarts == 4 && trial.info.iterations == 120 && trial.info.scan_rows == 16);
    /* On this set the exact run's best restart is among the trial's two: kept, with its unpruned bits. */
    CHECK(trial.info.chosen_restart == exact.info.chosen_restart);
    CHECK(memcmp(trial.w, exact.w, exact.info.w_length * sizeof(float)) == 0);

    /* The preset on 16 x 16 at k = 2: the scan binned 2 x 2 (8 x 8 positions) for 70 iterations with a trial of 30
     * keeping 1, then 50 on the full scan. */
    EXPECT_OK(fastnmf_factorizer_set_fast(f, FASTNMF_FAST_PRESET, 0, 0, 0, 0));
    CHECK(restart_iterations_of(f, &s) == 4 * 30 + 1 * 40 + 50);
    run_output fast = read_result(f);
    CHECK(fast.info.scan_rows == 16 && fast.info.h_length == 2u * 16u * 16u);
    /* Near the exact run's MSE (2 % above it on this 8 x 8-binned toy scan; README "Fast mode" has the accuracy on
     * the paper's set and k = 30 sets). */
    CHECK(fabs(fast.info.mse - exact.info.mse) < 0.05 * exact.info.mse);
    /* An explicit lever wins over the preset's: 20 iterations on the full scan. */
    EXPECT_OK(fastnmf_factorizer_set_fast(f, FASTNMF_FAST_PRESET, 0, 0, 0, 20));
    CHECK(restart_iterations_of(f, &s) == 4 * 30 + 1 * 70 + 20);

    /* set_params keeps the mode; OFF is the exact protocol, bit for bit. */
    EXPECT_OK(fastnmf_factorizer_set_params(f, &p));
    CHECK(restart_iterations_of(f, &s) == 4 * 30 + 1 * 70 + 20);
    EXPECT_OK(fastnmf_factorizer_set_fast(f, FASTNMF_FAST_OFF, 0, 0, 0, 0));
    CHECK(restart_iterations_of(f, &s) == 4 * 120);
    run_output again = read_result(f);
    same_result(&exact, &again);

    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_fast(f, 2, 0, 0, 0, 0));
    CHECK(strstr(fastnmf_last_error(), "mode = 2") != NULL);
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_fast(f, FASTNMF_FAST_OFF, 0, 2, 0, 0));
    CHECK(strstr(fastnmf_last_error(), "keep_restarts = 2 needs trial_iterations") != NULL);
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_fast(f, FASTNMF_FAST_OFF, 0, 0, 1, 0));
    CHECK(strstr(fastnmf_last_error(), "coarse_scan = 1") != NULL);
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_fast(f, FASTNMF_FAST_OFF, -1, 0, 0, 0));
    CHECK(strstr(fastnmf_last_error(), "fastnmf_factorizer_set_fast: trial_iterations = -1") != NULL);
    /* A trial as long as the run fits no parameters: refused when the run starts, and no result is kept. */
    EXPECT_OK(fastnmf_factorizer_set_fast(f, FASTNMF_FAST_OFF, 120, 0, 0, 0));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    CHECK(strstr(fastnmf_last_error(), "trial_iterations (fastnmf_factorizer_set_fast): ") != NULL);
    CHECK(strstr(fastnmf_last_error(), "Parameter") == NULL);
    fastnmf_result_info info = {.struct_size = sizeof info};
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_factorizer_get_result_info(f, &info));

    free_result(&again);
    free_result(&fast);
    free_result(&trial);
    free_result(&exact);
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

int main(int argc, char** argv)
{
    static const test_case cases[] = {
        {"library_identifies_itself", library_identifies_itself},
        {"factorizes_small_set", factorizes_small_set},
        {"history_matches_result", history_matches_result},
        {"uint16_fortran_order_matches_float32", uint16_fortran_order_matches_float32},
        {"strided_view_reads_only_its_elements", strided_view_reads_only_its_elements},
        {"mask_zeroes_masked_pixels", mask_zeroes_masked_pixels},
        {"kernels_and_params_change_the_run", kernels_and_params_change_the_run},
        {"progress_reports_every_iteration", progress_reports_every_iteration},
        {"protocol_choices_change_the_run", protocol_choices_change_the_run},
        {"fast_mode_levers_change_the_schedule", fast_mode_levers_change_the_schedule},
    };
    return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
