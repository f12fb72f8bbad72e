/* The analysis through the C ABI: similarities against an oracle computed here from W, the matrix properties the
 * paper's Eqs. 9-11 promise, a SciPy-format linkage, labels and cluster averages; and its misuse statuses. */
#include <math.h>
#include <stdint.h>

#include "test_support.h"

/* k components of a 12 x 12 scan, 32 x 32 detector set with two crystals + amorphous, 80 iterations x 2 restarts. */
static fastnmf_factorizer* factorized(int components)
{
    small_set set = simulated_set(12, 32, 2, 5000, 4);
    fastnmf_params p = small_params();
    p.components = components;
    p.iterations = 80;
    fastnmf_factorizer* f = factorizer_with(&p);
    EXPECT_OK(fastnmf_factorizer_run_f32(f, set.data, set.length, &set.layout));
    small_set_free(&set);
    return f;
}

static void similarities_linkage_and_clusters(void)
{
    enum { k = 3, det = 32 * 32 };
    fastnmf_factorizer* f = factorized(k);
    fastnmf_analysis_params ap;
    EXPECT_OK(fastnmf_analysis_params_init(&ap, sizeof ap));
    CHECK(ap.cluster_by == FASTNMF_SIMILARITY_DIFFRACTION && ap.linkage == FASTNMF_LINKAGE_AVERAGE && ap.cluster_count == 0);
    EXPECT_OK(fastnmf_factorizer_analyze(f, &ap));

    double cosine[k * k], similarity[k * k], rotation[k * k];
    size_t n = 0;
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_factorizer_get_similarities(f, NULL, NULL, NULL, 0, &n));
    CHECK(n == k * k);
    EXPECT_OK(fastnmf_factorizer_get_similarities(f, cosine, similarity, rotation, k * k, NULL));
    float w[k * det];
    EXPECT_OK(fastnmf_factorizer_get_w(f, w, k * det, NULL));
    for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
            double ab = 0, aa = 0, bb = 0;  /* Eq. 9 here, in double, as the oracle */
            for (int p = 0; p < det; p++) {
                ab += (double)w[i * det + p] * w[j * det + p];
                aa += (double)w[i * det + p] * w[i * det + p];
                bb += (double)w[j * det + p] * w[j * det + p];
            }
            CHECK(fabs(cosine[i * k + j] - ab / sqrt(aa * bb)) < 1e-9);
            CHECK(similarity[i * k + j] == similarity[j * k + i]);
            CHECK(similarity[i * k + j] <= 1 + 1e-9 && similarity[i * k + j] >= -1 - 1e-9);
            double r = fmod(rotation[i * k + j] + rotation[j * k + i] + 540.0, 360.0) - 180.0;  /* antisymmetric mod 360 */
            CHECK(fabs(r) < 1e-9);
        }
        CHECK(fabs(similarity[i * k + i] - 1) < 1e-9 && rotation[i * k + i] == 0);
    }

    double linkage[(k - 1) * 4];
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_factorizer_get_linkage(f, linkage, 4, &n));
    CHECK(n == (k - 1) * 4);
    EXPECT_OK(fastnmf_factorizer_get_linkage(f, linkage, n, NULL));
    CHECK(linkage[3] == 2 && linkage[7] == k);           /* SciPy format: the last merge holds all k */
    CHECK(linkage[2] <= linkage[6] && linkage[2] >= 0);  /* merge distances never decrease (average linkage) */

    int32_t labels[k];
    EXPECT_OK(fastnmf_factorizer_get_cluster_labels(f, labels, k, NULL));
    int clusters = 0;
    for (int i = 0; i < k; i++) {
        CHECK(labels[i] >= 1 && labels[i] <= k);
        clusters = labels[i] > clusters ? labels[i] : clusters;
    }
    float average[det];
    for (int label = 1; label <= clusters; label++) {
        EXPECT_OK(fastnmf_factorizer_get_cluster_average(f, label, average, det, &n));
        CHECK(n == det);
        double sum = 0;
        for (int p = 0; p < det; p++) {
            sum += average[p];
        }
        CHECK(sum > 0);
    }
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_get_cluster_average(f, clusters + 1, average, det, NULL));

    /* At most one cluster asked for: everything in cluster 1. */
    ap.cluster_count = 1;
    ap.cluster_by = FASTNMF_SIMILARITY_COSINE;
    EXPECT_OK(fastnmf_factorizer_analyze(f, &ap));
    EXPECT_OK(fastnmf_factorizer_get_cluster_labels(f, labels, k, NULL));
    CHECK(labels[0] == 1 && labels[1] == 1 && labels[2] == 1);
    EXPECT_OK(fastnmf_factorizer_destroy(f));
}

static void analysis_misuse(void)
{
    fastnmf_analysis_params ap;
    EXPECT_STATUS(FASTNMF_STATUS_BAD_STRUCT_SIZE, fastnmf_analysis_params_init(&ap, sizeof ap - 4));
    EXPECT_OK(fastnmf_analysis_params_init(&ap, sizeof ap));
    fastnmf_factorizer* f = small_factorizer();
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_factorizer_analyze(f, &ap));  /* nothing factorized yet */
    EXPECT_OK(fastnmf_factorizer_destroy(f));

    f = factorized(3);
    double linkage[8];
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_factorizer_get_linkage(f, linkage, 8, NULL));
    EXPECT_ERROR_MENTIONS("fastnmf_factorizer_analyze");
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_analyze(f, NULL));
    ap.linkage = 9;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_analyze(f, &ap));
    EXPECT_ERROR_MENTIONS("linkage");
    EXPECT_OK(fastnmf_analysis_params_init(&ap, sizeof ap));
    ap.distance_threshold = -1;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_analyze(f, &ap));
    EXPECT_OK(fastnmf_analysis_params_init(&ap, sizeof ap));
    EXPECT_OK(fastnmf_factorizer_analyze(f, &ap));
    double c[9], s[9], r[9];
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_factorizer_get_similarities(f, c, NULL, r, 9, NULL));
    EXPECT_STATUS(FASTNMF_STATUS_BUFFER_TOO_SMALL, fastnmf_factorizer_get_similarities(f, c, s, r, 8, NULL));
    /* A new run drops the analysis of the old result. */
    fastnmf_params p = small_params();
    p.components = 1;
    EXPECT_OK(fastnmf_factorizer_set_params(f, &p));
    small_set set = small_set_make();
    EXPECT_OK(fastnmf_factorizer_run_f32(f, set.data, set.length, &set.layout));
    EXPECT_STATUS(FASTNMF_STATUS_NO_RESULT, fastnmf_factorizer_get_linkage(f, linkage, 8, NULL));
    /* One component cannot be clustered. */
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_factorizer_analyze(f, &ap));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
    small_set_free(&set);
}

/* An analysis handle on the run's own W and H gives the factorizer's analysis; misuse is reported. */
static void analysis_of_any_diffractions(void)
{
    enum { k = 3, det = 32 * 32, scan = 12 * 12 };
    fastnmf_factorizer* f = factorized(k);
    fastnmf_analysis_params ap;
    EXPECT_OK(fastnmf_analysis_params_init(&ap, sizeof ap));
    EXPECT_OK(fastnmf_factorizer_analyze(f, &ap));
    static float w[k * det], h[k * scan];
    EXPECT_OK(fastnmf_factorizer_get_w(f, w, k * det, NULL));
    EXPECT_OK(fastnmf_factorizer_get_h(f, h, k * scan, NULL));
    fastnmf_analysis* a = NULL;
    EXPECT_OK(fastnmf_analysis_create(w, k, 32, 32, NULL, h, 12, 12, -1, -1, 360, &ap, &a));
    double c1[k * k], s1[k * k], r1[k * k], c2[k * k], s2[k * k], r2[k * k];
    EXPECT_OK(fastnmf_factorizer_get_similarities(f, c1, s1, r1, k * k, NULL));
    EXPECT_OK(fastnmf_analysis_get_similarities(a, c2, s2, r2, k * k, NULL));
    CHECK(memcmp(c1, c2, sizeof c1) == 0 && memcmp(s1, s2, sizeof s1) == 0 && memcmp(r1, r2, sizeof r1) == 0);
    double l1[(k - 1) * 4], l2[(k - 1) * 4];
    EXPECT_OK(fastnmf_factorizer_get_linkage(f, l1, (k - 1) * 4, NULL));
    EXPECT_OK(fastnmf_analysis_get_linkage(a, l2, (k - 1) * 4, NULL));
    CHECK(memcmp(l1, l2, sizeof l1) == 0);
    int32_t labels1[k], labels2[k];
    EXPECT_OK(fastnmf_factorizer_get_cluster_labels(f, labels1, k, NULL));
    EXPECT_OK(fastnmf_analysis_get_cluster_labels(a, labels2, k, NULL));
    CHECK(memcmp(labels1, labels2, sizeof labels1) == 0);
    static float avg1[det], avg2[det];
    EXPECT_OK(fastnmf_factorizer_get_cluster_average(f, labels1[0], avg1, det, NULL));
    EXPECT_OK(fastnmf_analysis_get_cluster_average(a, labels1[0], avg2, det, NULL));
    CHECK(memcmp(avg1, avg2, sizeof avg1) == 0);
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_analysis_get_cluster_average(a, 99, avg2, det, NULL));

    /* Without maps the analysis still runs (medoids, plain averages); misuse is one status each. */
    fastnmf_analysis* bare = NULL;
    EXPECT_OK(fastnmf_analysis_create(w, k, 32, 32, NULL, NULL, 0, 0, -1, -1, 360, &ap, &bare));
    EXPECT_OK(fastnmf_analysis_get_similarities(bare, c2, s2, r2, k * k, NULL));
    CHECK(memcmp(s1, s2, sizeof s1) == 0);
    fastnmf_analysis* none = NULL;
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_analysis_create(w, 1, 32, 32, NULL, NULL, 0, 0, -1, -1, 360, &ap, &none));
    EXPECT_ERROR_MENTIONS("at least 2 components");
    CHECK(none == NULL);
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_ARGUMENT, fastnmf_analysis_create(w, k, 32, 32, NULL, NULL, 0, 0, -1, -1, 2, &ap, &none));
    EXPECT_ERROR_MENTIONS("phi_samples");
    EXPECT_STATUS(FASTNMF_STATUS_NULL_POINTER, fastnmf_analysis_create(NULL, k, 32, 32, NULL, NULL, 0, 0, -1, -1, 360, &ap, &none));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_analysis_get_linkage((fastnmf_analysis*)f, l2, (k - 1) * 4, NULL));
    EXPECT_OK(fastnmf_analysis_destroy(bare));
    EXPECT_OK(fastnmf_analysis_destroy(a));
    EXPECT_OK(fastnmf_analysis_destroy(a));
    EXPECT_STATUS(FASTNMF_STATUS_INVALID_HANDLE, fastnmf_analysis_get_linkage(a, l2, (k - 1) * 4, NULL));
    EXPECT_OK(fastnmf_factorizer_destroy(f));
}

int main(int argc, char** argv)
{
    static const test_case cases[] = {
        {"similarities_linkage_and_clusters", similarities_linkage_and_clusters},
        {"analysis_misuse", analysis_misuse},
        {"analysis_of_any_diffractions", analysis_of_any_diffractions},
    };
    return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv);
}
