/* CTest cases of the live-scan ABI (fastnmf_live_*): frames pushed as they would arrive give the whole-scan
 * projection bit for bit, uint16 like float32; progress, lost positions and snapshots; every misuse its status. */
#include <math.h>
#include <string.h>

#include "test_support.h"

#define PIXELS 256 /* the small set's 16 x 16 detector */
#define POSITIONS 144 /* its 12 x 12 scan */

/* A model of a run on the small set, with the paper's [.]_H (3x3 kernel). */
static fastnmf_model* fitted_model(const small_set* s)
{
    fastnmf_params p = small_params();
    fastnmf_factorizer* f = factorizer_with(&p);
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s->data, s->length, &s->layout));
    fastnmf_model* m = NULL;
    EXPECT_OK(fastnmf_factorizer_get_model(f, &m));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    return m;
}

static void live_projection_equals_the_scan_projection(void)
{
    small_set s = small_set_make();
    fastnmf_model* m = fitted_model(&s);
    float whole[2 * POSITIONS], maps[2 * POSITIONS], maps16[2 * POSITIONS];
    double residual[POSITIONS], live_residual[POSITIONS];
    EXPECT_OK(fastnmf_model_project_scan_f32(m, s.data, s.length, &s.layout, 1, whole, 2 * POSITIONS, residual, POSITIONS));

    fastnmf_live* live = NULL;
    EXPECT_OK(fastnmf_live_create(m, 12, 12, 2, &live));
    EXPECT_OK(fastnmf_model_destroy(m)); /* the live scan keeps what it needs */
    /* Blocks of 10 frames, last block first: rows become final only when their neighbours are in. */
    for (int first = 140; first >= 0; first -= 10) {
        size_t count = first + 10 > POSITIONS ? (size_t)(POSITIONS - first) : 10;
        EXPECT_OK(fastnmf_live_push_f32(live, s.data + (size_t)first * PIXELS, count, first));
    }
    int64_t received = 0, lost = -1;
    int32_t final_rows = 0, complete = 1;
    EXPECT_OK(fastnmf_live_get_progress(live, &received, &lost, &final_rows, &complete));
    CHECK(received == POSITIONS && lost == 0 && final_rows == 12 && complete == 0);
    EXPECT_OK(fastnmf_live_complete(live));
    EXPECT_OK(fastnmf_live_get_progress(live, NULL, NULL, NULL, &complete));
    CHECK(complete == 1);
    EXPECT_OK(fastnmf_live_get_maps(live, maps, 2 * POSITIONS, NULL));
    EXPECT_OK(fastnmf_live_get_residual(live, live_residual, POSITIONS, NULL));
    CHECK(memcmp(maps, whole, sizeof maps) == 0);
    CHECK(memcmp(live_residual, residual, sizeof residual) == 0);
    EXPECT_OK(fastnmf_live_destroy(live));

    /* uint16 frames: the same counts, the same bits. */
    uint16_t* counts = malloc(s.length * sizeof *counts);
    CHECK(counts != NULL);
    for (size_t i = 0; i < s.length; i++) {
        counts[i] = (uint16_t)s.data[i];
    }
    m = fitted_model(&s);
    EXPECT_OK(fastnmf_live_create(m, 12, 12, 1, &live));
    EXPECT_OK(fastnmf_live_push_u16(live, counts, POSITIONS, 0));
    EXPECT_OK(fastnmf_live_complete(live));
    EXPECT_OK(fastnmf_live_get_maps(live, maps16, 2 * POSITIONS, NULL));
    CHECK(memcmp(maps16, whole, sizeof maps16) == 0);
    EXPECT_OK(fastnmf_live_destroy(live));
    EXPECT_OK(fastnmf_model_destroy(m));
    free(counts);
    small_set_free(&s);
}

static void progress_lost_positions_and_snapshots(void)
{
    small_set s = small_set_make();
    fastnmf_model* m = fitted_model(&s);
    fastnmf_live* live = NULL;
    EXPECT_OK(fastnmf_live_create(m, 12, 12, 0, &live));
    EXPECT_OK(fastnmf_live_push_f32(live, s.data, 36, 0)); /* rows 0-2 */
    int32_t final_rows = -1;
    EXPECT_OK(fastnmf_live_get_progress(live, NULL, NULL, &final_rows, NULL));
    CHECK(final_rows == 2); /* row 2 waits for row 3 */
    EXPECT_OK(fastnmf_live_mark_lost(live, 36, 1));
    EXPECT_OK(fastnmf_live_push_f32(live, s.data + 37 * PIXELS, 50, 37));
    size_t n = 0;
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_live_get_maps(live, NULL, 0, &n));
    CHECK(n == 2 * POSITIONS);
    float maps[2 * POSITIONS];
    EXPECT_OK(fastnmf_live_get_maps(live, maps, n, NULL));
    CHECK(isnan(maps[36]) && isnan(maps[POSITIONS + 36]));
    CHECK(maps[100] == 0.0f); /* not arrived yet */
    EXPECT_OK(fastnmf_live_complete(live));
    uint8_t states[POSITIONS];
    double residual[POSITIONS];
    EXPECT_OK(fastnmf_live_get_states(live, states, POSITIONS, NULL));
    EXPECT_OK(fastnmf_live_get_residual(live, residual, POSITIONS, NULL));
    CHECK(states[0] == 1 && states[36] == 2 && states[86] == 1 && states[87] == 2 && states[143] == 2);
    CHECK(isnan(residual[36]) && isnan(residual[100]) && residual[37] > 0);
    int64_t lost = 0;
    EXPECT_OK(fastnmf_live_get_progress(live, NULL, &lost, NULL, NULL));
    CHECK(lost == 1 + (POSITIONS - 87));
    EXPECT_OK(fastnmf_live_destroy(live));
    EXPECT_OK(fastnmf_model_destroy(m));
    small_set_free(&s);
}

static void live_misuse_is_reported(void)
{
    small_set s = small_set_make();
    fastnmf_model* m = fitted_model(&s);
    fastnmf_live* live = NULL;
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_live_create(m, 12, 12, 1, NULL));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_create(m, 0, 12, 1, &live));
    CHECK(live == NULL);
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_live_create((fastnmf_model*)(void*)&s, 12, 12, 1, &live));
    EXPECT_OK(fastnmf_live_create(m, 12, 12, 1, &live));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_live_push_f32((fastnmf_live*)(void*)m, s.data, 1, 0));
    EXPECT_OK(fastnmf_live_push_f32(live, s.data, 2, 0));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_push_f32(live, s.data, 1, 1));
    EXPECT_ERROR_MENTIONS("scan position 1 (row 0, column 1) was already received");
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_push_f32(live, s.data, 2, 143));
    EXPECT_ERROR_MENTIONS("outside the 12");
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_live_push_f32(live, NULL, 1, 5));
    float bad[PIXELS];
    memcpy(bad, s.data, sizeof bad);
    bad[17] = NAN;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_DATA, fastnmf_live_push_f32(live, bad, 1, 9));
    EXPECT_ERROR_MENTIONS("frame 9, pixel (1, 1) is NaN");
    bad[17] = -1;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_DATA, fastnmf_live_push_f32(live, bad, 1, 9));
    EXPECT_ERROR_MENTIONS("is negative (-1)");
    float maps[2];
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_live_get_maps(live, maps, 2, NULL));
    EXPECT_OK(fastnmf_live_complete(live));
    EXPECT_OK(fastnmf_live_complete(live));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_push_u16(live, (const uint16_t*)(const void*)s.data, 1, 50));
    EXPECT_ERROR_MENTIONS("the scan is complete");
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_live_mark_lost(live, 50, 1));
    EXPECT_OK(fastnmf_live_destroy(live));
    EXPECT_OK(fastnmf_live_destroy(live));
    EXPECT_OK(fastnmf_live_destroy(NULL));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_live_get_progress(live, NULL, NULL, NULL, NULL));
    EXPECT_OK(fastnmf_model_destroy(m));
    small_set_free(&s);
}

int main(int argc, char** argv)
{
    static const test_case cases[] = {
        {"live_projection_equals_the_scan_projection", live_projection_equals_the_scan_projection},
        {"progress_lost_positions_and_snapshots", progress_lost_positions_and_snapshots},
        {"live_misuse_is_reported", live_misuse_is_reported},
    };
    return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
