/* Shared helpers of the C ABI tests: assertions that name the failing expression, the status and
 * fastnmf_last_error(), a case table run by name (one CTest test per case), and a small simulated data set. */
#ifndef FASTNMF_TEST_SUPPORT_H
#define FASTNMF_TEST_SUPPORT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastnmf.h"

#define CHECK(cond)                                                                                        \
    do {                                                                                                   \
        if (!(cond)) {                                                                                     \
            fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond,        \
                    fastnmf_last_error());                                                                 \
            exit(1);                                                                                       \
        }                                                                                                  \
    } while (0)

/* The call must return `expected`; on failure prints both names and the last error. */
#define EXPECT_STATUS(expected, call)                                                                      \
    do {                                                                                                   \
        fastnmf_status got_ = (call);                                                                      \
        if (got_ != (expected)) {                                                                          \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s; last error: %s\n", __FILE__, __LINE__,    \
                    #call, fastnmf_status_name(got_), fastnmf_status_name(expected), fastnmf_last_error()); \
            exit(1);                                                                                       \
        }                                                                                                  \
    } while (0)

#define EXPECT_OK(call) EXPECT_STATUS(FASTNMF_STATUS_OK, call)

/* A failing call must explain itself: the last error names the function that failed. */
#define EXPECT_ERROR_MENTIONS(text)                                                                        \
    do {                                                                                                   \
        if (strstr(fastnmf_last_error(), (text)) == NULL) {                                                \
            fprintf(stderr, "%s:%d: last error \"%s\" does not mention \"%s\"\n", __FILE__, __LINE__,      \
                    fastnmf_last_error(), (text));                                                         \
            exit(1);                                                                                       \
        }                                                                                                  \
    } while (0)

typedef struct test_case {
    const char* name;
    void (*run)(void);
} test_case;

/* Runs the case named argv[1] (or every case without an argument). */
static inline int run_cases(const test_case* cases, size_t count, int argc, char** argv)
{
    int ran = 0;
    for (size_t i = 0; i < count; i++) {
        if (argc < 2 || strcmp(argv[1], cases[i].name) == 0) {
            printf("case %s\n", cases[i].name);
            cases[i].run();
            ran++;
        }
    }
    if (ran == 0) {
        fprintf(stderr, "no case named %s\n", argc > 1 ? argv[1] : "(none)");
        return 2;
    }
    printf("%d case(s) passed\n", ran);
    return 0;
}

/* A simulated set in C order: scan x scan positions, det x det pixels, `crystals` + amorphous components. */
typedef struct small_set {
    float* data;
    size_t length;
    fastnmf_layout layout;
} small_set;

static inline small_set simulated_set(int32_t scan, int32_t det, int32_t crystals, double dose, uint64_t seed)
{
    small_set s;
    fastnmf_simulation sim;
    EXPECT_OK(fastnmf_simulation_init(&sim, sizeof sim));
    sim.scan_rows = sim.scan_cols = scan;
    sim.det_rows = sim.det_cols = det;
    sim.crystals = crystals;
    sim.dose = dose;
    sim.seed = seed;
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_simulate(&sim, NULL, 0, &s.length));
    CHECK(s.length == (size_t)scan * (size_t)scan * (size_t)det * (size_t)det);
    s.data = malloc(s.length * sizeof *s.data);
    CHECK(s.data != NULL);
    EXPECT_OK(fastnmf_simulate(&sim, s.data, s.length, NULL));
    EXPECT_OK(fastnmf_layout_init(&s.layout, sizeof s.layout, scan, scan, det, det));
    return s;
}

/* The set most tests use: 12 x 12 scan, 16 x 16 detector, one crystal + amorphous (k = 2). */
static inline small_set small_set_make(void)
{
    return simulated_set(12, 16, 1, 2000, 7);
}

static inline void small_set_free(small_set* s)
{
    free(s->data);
    s->data = NULL;
}

/* Parameters that run the small set quickly: k = 2, 40 iterations x 2 restarts, one thread. */
static inline fastnmf_params small_params(void)
{
    fastnmf_params p;
    EXPECT_OK(fastnmf_params_init(&p, sizeof p));
    p.components = 2;
    p.iterations = 40;
    p.restarts = 2;
    p.threads = 1;
    p.seed = 3;
    return p;
}

static inline fastnmf_factorizer* factorizer_with(const fastnmf_params* p)
{
    fastnmf_factorizer* f = NULL;
    EXPECT_OK(fastnmf_factorizer_create(p, &f));
    CHECK(f != NULL);
    return f;
}

static inline fastnmf_factorizer* small_factorizer(void)
{
    fastnmf_params p = small_params();
    return factorizer_with(&p);
}

#endif
