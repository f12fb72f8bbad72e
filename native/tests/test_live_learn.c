/* CTest cases of the learning live scan (fastnmf_live_create_learn ... fastnmf_live_finish): W learned while the
 * frames arrive, then the batch protocol from it, agrees with a batch run of the same data; the maps fill in as the
 * frames come; the counters, the finish's agreement and the model handle; every misuse its status. */
#include <math.h>
#include <string.h>

#include "test_support.h"

#define SCAN 24
#define POSITIONS (SCAN * SCAN)
#define DET 48 /* smaller detectors leave the simulated crystals too alike for one answer */
#define PIXELS (DET * DET)
#define K 3        /* two crystals + amorphous */

static small_set learn_set(void)
{
    return simulated_set(SCAN, DET, 2, 20000, 11);
}

static fastnmf_params learn_params(void)
{
    fastnmf_params p = small_params();
    p.components = K;
    p.iterations = 150;
    p.restarts = 2;
    return p;
}

static fastnmf_live_learn_params quick_start(void)
{
    fastnmf_live_learn_params l;
    EXPECT_OK(fastnmf_live_learn_params_init(&l, sizeof l));
    l.start_frames = 4 * SCAN;
    l.refresh_frames = 2 * SCAN;
    l.finish_iterations = 20;
    return l;
}

static double cosine(const float* a, const float* b, int n)
{
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < n; i++) {
        ab += (double)a[i] * b[i];
        aa += (double)a[i] * a[i];
        bb += (double)b[i] * b[i];
    }
    return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

/* The smallest, over the batch run's diffractions, of the best cosine with one of `w`'s. */
static double worst_match(const float* batch, const float* w)
{
    double worst = 1;
    for (int c = 0; c < K; c++) {
        double best = 0;
        for (int d = 0; d < K; d++) {
            double x = cosine(batch + c * PIXELS, w + d * PIXELS, PIXELS);
            best = x > best ? x : best;
        }
        worst = best < worst ? best : worst;
    }
    return worst;
}

static void learns_w_during_the_scan_and_finishes_as_a_batch_run(void)
{
    small_set s = learn_set();
    fastnmf_params p = learn_params();
    fastnmf_factorizer* f = factorizer_with(&p);
    /* Live learning runs the paper's plain protocol (README "What exactly is computed"): compare like with like. */
    EXPECT_OK(fastnmf_factorizer_set_protocol(f, FASTNMF_AMORPHOUS_SHARE_KEEP, FASTNMF_FILL_ROUTE_PIXEL));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    float batch_w[K * PIXELS], learned_w[K * PIXELS], finished_w[K * PIXELS], model_w[K * PIXELS];
    EXPECT_OK(fastnmf_factorizer_get_w(f, batch_w, K * PIXELS, NULL));

    uint16_t* counts = malloc(s.length * sizeof *counts);
    CHECK(counts != NULL);
    for (size_t i = 0; i < s.length; i++) {
        counts[i] = (uint16_t)s.data[i];
    }
    fastnmf_live_learn_params l = quick_start();
    fastnmf_live* live = NULL;
    EXPECT_OK(fastnmf_live_create_learn(f, &l, DET, DET, SCAN, SCAN, &live));
    EXPECT_OK(fastnmf_factorizer_destroy(f)); /* the learner keeps what it needs */
    int32_t start = 0, refreshes = -1, passes = -1, reseeds = -1;
    EXPECT_OK(fastnmf_live_get_learning(live, &start, &refreshes, NULL, NULL));
    CHECK(start == 4 * SCAN && refreshes == 0);
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_live_get_w(live, learned_w, K * PIXELS, NULL));
    EXPECT_ERROR_MENTIONS("it starts when the first 96 positions");

    /* One scan row per push, as a detector's rows arrive; the maps fill in once W exists. */
    static float maps[K * POSITIONS];
    for (int row = 0; row < SCAN; row++) {
        EXPECT_OK(fastnmf_live_push_u16(live, counts + (size_t)row * SCAN * PIXELS, SCAN, (int64_t)row * SCAN));
        if (row == 9) {
            EXPECT_OK(fastnmf_live_get_w(live, learned_w, K * PIXELS, NULL));
            EXPECT_OK(fastnmf_live_get_maps(live, maps, K * POSITIONS, NULL));
            double filled = 0, empty = 0;
            for (int c = 0; c < K; c++) {
                for (int j = 0; j < SCAN; j++) {
                    filled += maps[c * POSITIONS + 9 * SCAN + j];
                    empty += maps[c * POSITIONS + 10 * SCAN + j];
                }
            }
            CHECK(filled > 0 && empty == 0);
        }
    }
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_live_get_residual(live, NULL, 0, NULL));
    EXPECT_OK(fastnmf_live_complete(live));
    EXPECT_OK(fastnmf_live_get_learning(live, NULL, &refreshes, &passes, &reseeds));
    CHECK(refreshes >= 5 && passes >= 1 && reseeds >= 0);
    EXPECT_OK(fastnmf_live_get_w(live, learned_w, K * PIXELS, NULL));
    printf("learned W against the batch run: worst cosine %.4f\n", worst_match(batch_w, learned_w));
    CHECK(worst_match(batch_w, learned_w) >= 0.98); /* the bar for one pass */

    int32_t finished = 0, final_rows = 0;
    EXPECT_OK(fastnmf_live_finish(live, &finished));
    CHECK(finished == 1);
    EXPECT_OK(fastnmf_live_finish(live, NULL)); /* a second call does nothing */
    EXPECT_OK(fastnmf_live_get_progress(live, NULL, NULL, &final_rows, NULL));
    CHECK(final_rows == SCAN);
    EXPECT_OK(fastnmf_live_get_w(live, finished_w, K * PIXELS, NULL));
    printf("finished W against the batch run: worst cosine %.4f\n", worst_match(batch_w, finished_w));
    CHECK(worst_match(batch_w, finished_w) >= 0.99);
    double agreement[K];
    size_t n = 0;
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_live_get_agreement(live, NULL, 0, &n));
    CHECK(n == K);
    EXPECT_OK(fastnmf_live_get_agreement(live, agreement, K, NULL));
    for (int c = 0; c < K; c++) {
        CHECK(agreement[c] > 0.9 && agreement[c] <= 1.0 + 1e-9);
    }
    double residual[POSITIONS];
    EXPECT_OK(fastnmf_live_get_residual(live, residual, POSITIONS, NULL));
    for (int j = 0; j < POSITIONS; j++) {
        CHECK(isfinite(residual[j]) && residual[j] >= 0);
    }

    /* The finished W as a model: its projection of the scan gives the finished maps' order and support. */
    fastnmf_model* m = NULL;
    EXPECT_OK(fastnmf_live_get_model(live, &m));
    EXPECT_OK(fastnmf_model_get_w(m, model_w, K * PIXELS, NULL));
    CHECK(memcmp(model_w, finished_w, sizeof model_w) == 0);
    EXPECT_OK(fastnmf_live_get_maps(live, maps, K * POSITIONS, NULL));
    static float projected[K * POSITIONS];
    EXPECT_OK(fastnmf_model_project_scan_f32(m, s.data, s.length, &s.layout, 1, projected, K * POSITIONS, NULL, 0));
    for (int c = 0; c < K; c++) {
        CHECK(cosine(maps + c * POSITIONS, projected + c * POSITIONS, POSITIONS) >= 0.99);
    }
    EXPECT_OK(fastnmf_model_destroy(m));
    EXPECT_OK(fastnmf_live_destroy(live));
    free(counts);
    small_set_free(&s);
}

static void lost_frames_skip_the_finish(void)
{
    small_set s = learn_set();
    fastnmf_params p = learn_params();
    fastnmf_factorizer* f = factorizer_with(&p);
    fastnmf_live_learn_params l = quick_start();
    fastnmf_live* live = NULL;
    EXPECT_OK(fastnmf_live_create_learn(f, &l, DET, DET, SCAN, SCAN, &live));
    EXPECT_OK(fastnmf_live_push_f32(live, s.data, 300, 0));
    EXPECT_OK(fastnmf_live_mark_lost(live, 300, 2));
    EXPECT_OK(fastnmf_live_push_f32(live, s.data + 302 * PIXELS, POSITIONS - 302, 302));
    EXPECT_OK(fastnmf_live_complete(live));
    int32_t finished = 1;
    EXPECT_OK(fastnmf_live_finish(live, &finished));
    CHECK(finished == 0);
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_live_get_agreement(live, NULL, 0, NULL));
    EXPECT_ERROR_MENTIONS("2 position(s) have no frame");
    static float maps[K * POSITIONS];
    double residual[POSITIONS];
    EXPECT_OK(fastnmf_live_get_maps(live, maps, K * POSITIONS, NULL));
    EXPECT_OK(fastnmf_live_get_residual(live, residual, POSITIONS, NULL));
    CHECK(isnan(maps[300]) && isnan(residual[301]) && residual[299] > 0 && maps[POSITIONS + 302] >= 0);
    fastnmf_model* m = NULL;
    EXPECT_OK(fastnmf_live_get_model(live, &m)); /* the learned W */
    EXPECT_OK(fastnmf_model_destroy(m));
    EXPECT_OK(fastnmf_live_destroy(live));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static void learn_misuse_is_reported(void)
{
    small_set s = learn_set();
    fastnmf_params p = learn_params();
    fastnmf_factorizer* f = factorizer_with(&p);
    fastnmf_live_learn_params l;
    fastnmf_live* live = NULL;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_STRUCT_SIZE, fastnmf_live_learn_params_init(&l, 8));
    l = quick_start();
    l.struct_size = 12;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_STRUCT_SIZE, fastnmf_live_create_learn(f, &l, DET, DET, SCAN, SCAN, &live));
    l = quick_start();
    l.forget_factor = 0;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_create_learn(f, &l, DET, DET, SCAN, SCAN, &live));
    EXPECT_ERROR_MENTIONS("forget factor 0");
    l = quick_start();
    l.refresh_frames = -1;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_create_learn(f, &l, DET, DET, SCAN, SCAN, &live));
    EXPECT_ERROR_MENTIONS("refresh frames -1");
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_create_learn(f, NULL, 16, 16, 1, SCAN, &live));
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_live_create_learn(f, NULL, DET, DET, SCAN, SCAN, NULL));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_live_create_learn((fastnmf_factorizer*)(void*)&s, NULL, DET, DET, SCAN, SCAN, &live));
    uint8_t mask[8 * 8] = {0};
    EXPECT_OK(fastnmf_factorizer_set_mask(f, mask, 8, 8));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_create_learn(f, NULL, DET, DET, SCAN, SCAN, &live));
    EXPECT_ERROR_MENTIONS("mask is 8");
    EXPECT_OK(fastnmf_factorizer_clear_mask(f));
    CHECK(live == NULL);

    l = quick_start();
    EXPECT_OK(fastnmf_live_create_learn(f, &l, DET, DET, SCAN, SCAN, &live));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_finish(live, NULL));
    EXPECT_ERROR_MENTIONS("not complete");
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_live_get_model(live, &(fastnmf_model*){NULL}));
    EXPECT_OK(fastnmf_live_push_f32(live, s.data, 30, 0));
    EXPECT_STATUS(FASTNMF_STATUS_BAD_DATA, fastnmf_live_complete(live));
    EXPECT_ERROR_MENTIONS("at least two whole scan rows");
    EXPECT_OK(fastnmf_live_destroy(live));

    /* Learning functions on a projection. */
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    fastnmf_model* m = NULL;
    EXPECT_OK(fastnmf_factorizer_get_model(f, &m));
    EXPECT_OK(fastnmf_live_create(m, SCAN, SCAN, 1, &live));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_get_learning(live, NULL, NULL, NULL, NULL));
    EXPECT_ERROR_MENTIONS("fastnmf_live_create_learn");
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_finish(live, NULL));
    float w[K * PIXELS], model_w[K * PIXELS];
    EXPECT_OK(fastnmf_live_get_w(live, w, K * PIXELS, NULL)); /* the model's */
    EXPECT_OK(fastnmf_model_get_w(m, model_w, K * PIXELS, NULL));
    CHECK(memcmp(w, model_w, sizeof w) == 0);
    EXPECT_OK(fastnmf_live_destroy(live));
    EXPECT_OK(fastnmf_model_destroy(m));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

int main(int argc, char** argv)
{
    static const test_case cases[] = {
        {"learns_w_during_the_scan_and_finishes_as_a_batch_run", learns_w_during_the_scan_and_finishes_as_a_batch_run},
        {"lost_frames_skip_the_finish", lost_frames_skip_the_finish},
        {"learn_misuse_is_reported", learn_misuse_is_reported},
    };
    return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
