/* CTest cases of the C ABI inside an MPI program (run under mpirun with 3 ranks, built against one MPI's mpi.h as a
 * host program is): the distributed run is bit-identical to the one-process run on every rank, for a slab, for the
 * whole buffer, through a Fortran handle and on sub-communicators; a bad value on one rank, parameters that differ
 * between ranks and a cancel on one rank end the run on every rank with one status; misuse is reported. A failed
 * check aborts the whole job (MPI_Abort), so no rank is left waiting. */
#include <math.h>
#include <mpi.h>

#include "test_support.h"

#define SCAN 24 /* canonical blocks of 10 scan rows (10, 10, 4): 3 blocks, one per rank */
#define DET 16

static int g_finished;

/* A CHECK that fails calls exit(1): end every rank with it. */
static void abort_unless_finished(void)
{
    if (!g_finished) {
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

static int world_rank(void)
{
    int r;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

static int world_size(void)
{
    int s;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

static fastnmf_params mpi_params(void)
{
    fastnmf_params p = small_params();
    p.components = 2;
    p.iterations = 25;
    p.restarts = 2;
    p.backend = FASTNMF_BACKEND_MANAGED;
    return p;
}

typedef struct factors {
    float* w;
    float* h;
    fastnmf_result_info info;
} factors;

static factors result_of(fastnmf_factorizer* f)
{
    factors r;
    r.info.struct_size = sizeof r.info;
    EXPECT_OK(fastnmf_factorizer_get_result_info(f, &r.info));
    r.w = malloc(r.info.w_length * sizeof *r.w);
    r.h = malloc(r.info.h_length * sizeof *r.h);
    CHECK(r.w != NULL && r.h != NULL);
    EXPECT_OK(fastnmf_factorizer_get_w(f, r.w, r.info.w_length, NULL));
    EXPECT_OK(fastnmf_factorizer_get_h(f, r.h, r.info.h_length, NULL));
    return r;
}

static void factors_free(factors* r)
{
    free(r->w);
    free(r->h);
}

/* The whole set factorized by this process alone. */
static factors one_process(const small_set* s, const fastnmf_params* p)
{
    fastnmf_factorizer* f = factorizer_with(p);
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s->data, s->length, &s->layout));
    factors r = result_of(f);
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    return r;
}

/* W and the history's summary bit for bit, and this rank's rows of H. */
static void check_same_as_one_process(const factors* got, const factors* whole, int32_t first_row, int32_t rows)
{
    CHECK(got->info.first_scan_row == first_row && got->info.scan_rows == rows && got->info.scan_cols == SCAN);
    CHECK(got->info.w_length == whole->info.w_length);
    CHECK(memcmp(got->w, whole->w, whole->info.w_length * sizeof *got->w) == 0);
    CHECK(got->info.mse == whole->info.mse && got->info.iterations == whole->info.iterations);
    int32_t k = whole->info.components;
    CHECK(got->info.h_length == (uint64_t)k * (uint64_t)rows * SCAN);
    for (int32_t c = 0; c < k; c++) {
        const float* mine = got->h + (size_t)c * rows * SCAN;
        const float* theirs = whole->h + (size_t)c * SCAN * SCAN + (size_t)first_row * SCAN;
        CHECK(memcmp(mine, theirs, (size_t)rows * SCAN * sizeof *mine) == 0);
    }
}

static void distributed_run_matches_one_process(void)
{
    small_set s = simulated_set(SCAN, DET, 1, 2000, 11);
    fastnmf_params p = mpi_params();
    factors whole = one_process(&s, &p);
    int32_t first = -1, rows = -1;
    EXPECT_OK(fastnmf_slab_for_rank(SCAN, SCAN, world_rank(), world_size(), &first, &rows));
    CHECK(rows > 0);

    fastnmf_factorizer* f = factorizer_with(&p);
    EXPECT_OK(fastnmf_factorizer_set_communicator(f, (intptr_t)MPI_COMM_WORLD, FASTNMF_COMM_C));
    /* Only this rank's slab, as a program that reads only its rows passes it. */
    fastnmf_layout slab = s.layout;
    slab.scan_rows = rows;
    const float* mine = s.data + (size_t)first * (size_t)s.layout.stride_scan_row;
    EXPECT_OK(fastnmf_factorizer_run_slab_f32(f, mine, (size_t)rows * SCAN * DET * DET, &slab, first, SCAN));
    factors got = result_of(f);
    check_same_as_one_process(&got, &whole, first, rows);
    factors_free(&got);

    /* The whole buffer on every rank: each reads its own slab of it. */
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    got = result_of(f);
    check_same_as_one_process(&got, &whole, first, rows);
    factors_free(&got);

    /* The same communicator by its Fortran handle. */
    EXPECT_OK(fastnmf_factorizer_set_communicator(f, (intptr_t)MPI_Comm_c2f(MPI_COMM_WORLD), FASTNMF_COMM_FORTRAN));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    got = result_of(f);
    check_same_as_one_process(&got, &whole, first, rows);
    factors_free(&got);

    /* Back to one process. */
    EXPECT_OK(fastnmf_factorizer_set_communicator(f, 0, FASTNMF_COMM_NONE));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    got = result_of(f);
    check_same_as_one_process(&got, &whole, 0, SCAN);
    factors_free(&got);

    EXPECT_OK(fastnmf_factorizer_destroy(f));
    factors_free(&whole);
    small_set_free(&s);
}

static void sub_communicators_run_on_their_own(void)
{
    /* Ranks 0 and 1 factorize one set together, rank 2 another alone, at the same time. */
    int color = world_rank() < 2 ? 0 : 1;
    MPI_Comm group;
    CHECK(MPI_Comm_split(MPI_COMM_WORLD, color, world_rank(), &group) == MPI_SUCCESS);
    int rank, size;
    MPI_Comm_rank(group, &rank);
    MPI_Comm_size(group, &size);
    small_set s = simulated_set(SCAN, DET, 1, 2000, color == 0 ? 21 : 22);
    fastnmf_params p = mpi_params();
    factors whole = one_process(&s, &p);
    fastnmf_factorizer* f = factorizer_with(&p);
    EXPECT_OK(fastnmf_factorizer_set_communicator(f, (intptr_t)group, FASTNMF_COMM_C));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    int32_t first, rows;
    EXPECT_OK(fastnmf_slab_for_rank(SCAN, SCAN, rank, size, &first, &rows));
    factors got = result_of(f);
    check_same_as_one_process(&got, &whole, first, rows);
    factors_free(&got);
    /* FastNmf's duplicate is freed with the handle; the host's communicator stays the host's. */
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    int still;
    CHECK(MPI_Comm_size(group, &still) == MPI_SUCCESS && still == size);
    MPI_Comm_free(&group);
    factors_free(&whole);
    small_set_free(&s);
}

static int cancel_at_third_iteration(void* user_data, const fastnmf_progress* progress)
{
    (void)user_data;
    return world_rank() == 2 && progress->iteration == 3;
}

static void one_rank_fails_and_every_rank_reports_it(void)
{
    small_set s = simulated_set(SCAN, DET, 1, 2000, 12);
    fastnmf_params p = mpi_params();
    fastnmf_factorizer* f = factorizer_with(&p);
    EXPECT_OK(fastnmf_factorizer_set_communicator(f, (intptr_t)MPI_COMM_WORLD, FASTNMF_COMM_C));

    /* A NaN in rank 1's rows only (scan row 15 of the whole scan): every rank returns BAD_DATA naming it. */
    size_t bad = ((size_t)15 * SCAN + 4) * DET * DET + 7;
    float kept = s.data[bad];
    if (world_rank() == 1) {
        s.data[bad] = NAN;
    }
    EXPECT_STATUS(FASTNMF_STATUS_BAD_DATA, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("rank 1: ");
    EXPECT_ERROR_MENTIONS("element (15, 4, 0, 7)");
    s.data[bad] = kept;

    /* Parameters that differ on one rank. */
    fastnmf_params other = p;
    other.seed = world_rank() == 2 ? 99 : p.seed;
    EXPECT_OK(fastnmf_factorizer_set_params(f, &other));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    EXPECT_ERROR_MENTIONS("rank 2 was called with another problem than rank 0");

    /* A slab off the canonical blocks, then one on them that is not this rank's (every rank passes rows [0, 10)). */
    EXPECT_OK(fastnmf_factorizer_set_params(f, &p));
    fastnmf_layout rows11 = s.layout;
    rows11.scan_rows = 11;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_run_slab_f32(f, s.data, s.length, &rows11, 0, SCAN));
    EXPECT_ERROR_MENTIONS("do not start and end on the scan's canonical blocks of 10 row(s)");
    fastnmf_layout rows10 = s.layout;
    rows10.scan_rows = 10;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_run_slab_f32(f, s.data, s.length, &rows10, 0, SCAN));
    EXPECT_ERROR_MENTIONS("must start at row 10");

    /* Rank 2's callback cancels: every rank stops. */
    EXPECT_OK(fastnmf_factorizer_set_progress(f, cancel_at_third_iteration, NULL));
    EXPECT_STATUS(FASTNMF_STATUS_CANCELLED, fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));
    fastnmf_result_info info;
    info.struct_size = sizeof info;
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_factorizer_get_result_info(f, &info));

    /* And the communicator still serves a good run afterwards. */
    EXPECT_OK(fastnmf_factorizer_set_progress(f, NULL, NULL));
    EXPECT_OK(fastnmf_factorizer_run_f32(f, s.data, s.length, &s.layout));

    /* The analysis needs the whole H. */
    fastnmf_analysis_params a;
    EXPECT_OK(fastnmf_analysis_params_init(&a, sizeof a));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_analyze(f, &a));
    EXPECT_ERROR_MENTIONS("of H only");
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

static void misuse_is_reported(void)
{
    int32_t first, rows;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_slab_for_rank(SCAN, SCAN, 0, 4, &first, &rows));
    EXPECT_ERROR_MENTIONS("at most 3");
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_slab_for_rank(SCAN, SCAN, 3, 3, &first, &rows));
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_slab_for_rank(SCAN, SCAN, 0, 3, NULL, &rows));
    fastnmf_params p = mpi_params();
    fastnmf_factorizer* f = factorizer_with(&p);
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_set_communicator(f, (intptr_t)MPI_COMM_WORLD, 7));
    EXPECT_ERROR_MENTIONS("FASTNMF_COMM_C");
    /* A slab without a communicator. */
    small_set s = simulated_set(SCAN, DET, 1, 2000, 13);
    fastnmf_layout rows11 = s.layout;
    rows11.scan_rows = 11;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_run_slab_f32(f, s.data, s.length, &rows11, 0, SCAN));
    EXPECT_ERROR_MENTIONS("set a communicator");
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_run_slab_f32(f, s.data, s.length, &rows11, 20, SCAN));
    EXPECT_ERROR_MENTIONS("inside the scan");
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&s);
}

int main(int argc, char** argv)
{
    MPI_Init(&argc, &argv);
    atexit(abort_unless_finished);
    static const test_case cases[] = {
        {"distributed_run_matches_one_process", distributed_run_matches_one_process},
        {"sub_communicators_run_on_their_own", sub_communicators_run_on_their_own},
        {"one_rank_fails_and_every_rank_reports_it", one_rank_fails_and_every_rank_reports_it},
        {"misuse_is_reported", misuse_is_reported},
    };
    CHECK(world_size() == 3);
    int status = run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
    g_finished = 1;
    MPI_Finalize();
    return status;
}
