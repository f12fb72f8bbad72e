/* Threading rules: two handles run on two threads at once and give the same results as one after the other; a
 * handle in use on one thread is BUSY for another (which cannot destroy it either) and usable again afterwards. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "test_support.h"

typedef struct job {
    const small_set* set;
    fastnmf_params params;
    fastnmf_factorizer* f;
    fastnmf_status status;
    float w[3 * 256];
    float h[3 * 144];
} job;

static void* run_job(void* arg)
{
    job* j = arg;
    j->status = fastnmf_factorizer_run_f32(j->f, j->set->data, j->set->length, &j->set->layout);
    if (j->status == FASTNMF_STATUS_OK) {
        j->status = fastnmf_factorizer_get_w(j->f, j->w, sizeof j->w / sizeof j->w[0], NULL);
    }
    if (j->status == FASTNMF_STATUS_OK) {
        j->status = fastnmf_factorizer_get_h(j->f, j->h, sizeof j->h / sizeof j->h[0], NULL);
    }
    return NULL;
}

static void prepare(job* j, const small_set* s, int components, unsigned seed)
{
    memset(j, 0, sizeof *j);
    j->set = s;
    j->params = small_params();
    j->params.components = components;
    j->params.seed = seed;
    EXPECT_OK(fastnmf_factorizer_create(&j->params, &j->f));
}

static void two_handles_on_two_threads(void)
{
    small_set s = small_set_make();
    job alone[2], together[2];
    for (int i = 0; i < 2; i++) {  /* one after the other, on this thread */
        prepare(&alone[i], &s, 2 + i, 11u + (unsigned)i);
        run_job(&alone[i]);
        EXPECT_OK(alone[i].status);
    }
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) {
        prepare(&together[i], &s, 2 + i, 11u + (unsigned)i);
        CHECK(pthread_create(&threads[i], NULL, run_job, &together[i]) == 0);
    }
    for (int i = 0; i < 2; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        EXPECT_OK(together[i].status);
        CHECK(memcmp(alone[i].w, together[i].w, sizeof alone[i].w) == 0);
        CHECK(memcmp(alone[i].h, together[i].h, sizeof alone[i].h) == 0);
        EXPECT_OK(fastnmf_factorizer_destroy(alone[i].f));
        EXPECT_OK(fastnmf_factorizer_destroy(together[i].f));
    }
    small_set_free(&s);
}

/* The runner's callback holds the run open until the other thread has made its attempts. */
typedef struct gate {
    atomic_int running;
    atomic_int release;
} gate;

static int wait_for_release(void* user_data, const fastnmf_progress* p)
{
    gate* g = user_data;
    (void)p;
    atomic_store(&g->running, 1);
    while (!atomic_load(&g->release)) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    return 0;
}

static void same_handle_from_another_thread_is_busy(void)
{
    small_set s = small_set_make();
    job j;
    prepare(&j, &s, 2, 5);
    gate g;
    atomic_init(&g.running, 0);
    atomic_init(&g.release, 0);
    EXPECT_OK(fastnmf_factorizer_set_progress(j.f, wait_for_release, &g));
    pthread_t runner;
    CHECK(pthread_create(&runner, NULL, run_job, &j) == 0);
    while (!atomic_load(&g.running)) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    fastnmf_params p = small_params();
    EXPECT_STATUS(FASTNMF_STATUS_BUSY, fastnmf_factorizer_set_params(j.f, &p));
    EXPECT_ERROR_MENTIONS("in use");
    EXPECT_STATUS(FASTNMF_STATUS_BUSY, fastnmf_factorizer_run_f32(j.f, s.data, s.length, &s.layout));
    EXPECT_STATUS(FASTNMF_STATUS_BUSY, fastnmf_factorizer_destroy(j.f));
    atomic_store(&g.release, 1);
    CHECK(pthread_join(runner, NULL) == 0);
    EXPECT_OK(j.status);
    /* Free again: the refused calls changed nothing, and the handle was not destroyed. */
    EXPECT_OK(fastnmf_factorizer_set_progress(j.f, NULL, NULL));
    float w[512];
    EXPECT_OK(fastnmf_factorizer_get_w(j.f, w, 512, NULL));
    CHECK(memcmp(w, j.w, sizeof w) == 0);
    EXPECT_OK(fastnmf_factorizer_destroy(j.f));
    small_set_free(&s);
}

/* fastnmf_last_error is per thread: a failure on one thread does not show on another. */
static void* fail_once(void* arg)
{
    (void)arg;
    if (fastnmf_factorizer_clear_mask((fastnmf_factorizer*)(uintptr_t)0x99) != FASTNMF_STATUS_INVALID_HANDLE ||
        strstr(fastnmf_last_error(), "not a handle") == NULL) {
        return (void*)1;
    }
    return NULL;
}

static void last_error_is_per_thread(void)
{
    fastnmf_params p;
    EXPECT_OK(fastnmf_params_init(&p, sizeof p));
    CHECK(strcmp(fastnmf_last_error(), "") == 0);
    pthread_t t;
    void* failed = NULL;
    CHECK(pthread_create(&t, NULL, fail_once, NULL) == 0);
    CHECK(pthread_join(t, &failed) == 0);
    CHECK(failed == NULL);
    CHECK(strcmp(fastnmf_last_error(), "") == 0);
}

int main(int argc, char** argv)
{
    static const test_case cases[] = {
        {"two_handles_on_two_threads", two_handles_on_two_threads},
        {"same_handle_from_another_thread_is_busy", same_handle_from_another_thread_is_busy},
        {"last_error_is_per_thread", last_error_is_per_thread},
    };
    return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
