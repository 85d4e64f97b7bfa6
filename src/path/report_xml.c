/* The <pesx-report> XML file (DESIGN.md's schema), written with fprintf
 * through an atomic temp file.  Numbers with %.10g; unknown values (NAN)
 * are left out. */
#include <config.h>
#include <pesx/io.h>
#include <pesx/path_report.h>

#include <math.h>
#include <stdio.h>

static void attr(FILE *fp, const char *name, double v)
{
    if (isfinite(v))
        fprintf(fp, " %s=\"%.10g\"", name, v);
}

static void list(FILE *fp, const char *tag, const double *v, size_t n)
{
    fprintf(fp, "    <%s count=\"%zu\">", tag, n);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%s%.6f", i ? " " : "", v[i]);
    fprintf(fp, "</%s>\n", tag);
}

int pesx_report_write_xml(const char *path, const pesx_report *r)
{
    pesx_atomic_file af;
    FILE *fp;
    int status = pesx_atomic_open(&af, path);
    const char *method = r->method == PESX_REPORT_DIMER     ? "dimer"
                         : r->method == PESX_REPORT_BARRIER ? "barrier"
                                                            : "neb";
    if (status)
        return status;
    fp = af.fp;
    fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(fp, "<pesx-report version=\"1\" method=\"%s\" units=\"eV Angstrom cm-1\" potential=\"",
            method);
    pesx_xml_put_escaped(fp, r->potential);
    fprintf(fp, "\" converged=\"%s\" iterations=\"%zu\">\n", r->converged ? "true" : "false",
            r->iterations);
    if (r->has_reactant) {
        fprintf(fp, "  <reactant");
        attr(fp, "energy", r->e_reactant);
        fprintf(fp, "/>\n");
    }
    if (r->has_product) {
        fprintf(fp, "  <product");
        attr(fp, "energy", r->e_product);
        fprintf(fp, "/>\n");
    }
    fprintf(fp, "  <saddle");
    attr(fp, "energy", r->e_saddle);
    attr(fp, "fmax", r->saddle_fmax);
    attr(fp, "fnorm", r->saddle_fnorm);
    if (r->n_images)
        fprintf(fp, " image=\"%zu\" climbing=\"%s\"", r->saddle_image,
                r->climbing ? "true" : "false");
    fprintf(fp, "/>\n");
    fprintf(fp, "  <barrier");
    attr(fp, "forward", r->barrier_forward);
    attr(fp, "reverse", r->barrier_reverse);
    attr(fp, "reaction-energy", r->reaction_energy);
    if (r->n_members > 1) {
        attr(fp, "forward-std", r->forward_std);
        attr(fp, "reverse-std", r->reverse_std);
        attr(fp, "forward-mean", r->forward_mean);
        attr(fp, "reverse-mean", r->reverse_mean);
    }
    fprintf(fp, "/>\n");
    fprintf(fp, "  <force-calls total=\"%zu\"", r->force_calls);
    if (r->force_calls_per_image > 0)
        attr(fp, "per-image", r->force_calls_per_image);
    fprintf(fp, "/>\n");
    if (r->ledger_calls) {
        fprintf(fp, "  <ledger calls=\"%zu\"", r->ledger_calls);
        attr(fp, "seconds", r->ledger_seconds);
        fprintf(fp, "/>\n");
    }
    if (r->learn_iterations)
        fprintf(fp,
                "  <learn iterations=\"%zu\" reference-calls=\"%zu\" surrogate-calls=\"%zu\""
                " data=\"%zu\"/>\n",
                r->learn_iterations, r->learn_reference_calls, r->learn_surrogate_calls,
                r->learn_data);
    if (isfinite(r->spline_e_max)) {
        fprintf(fp, "  <spline kind=\"cubic-hermite\"");
        attr(fp, "s-max", r->spline_s_max);
        attr(fp, "energy-max", r->spline_e_max);
        attr(fp, "barrier", r->spline_barrier);
        fprintf(fp, "/>\n");
        fprintf(fp, "  <extrema count=\"%zu\">\n", r->n_extrema);
        for (size_t k = 0; k < r->n_extrema; k++) {
            fprintf(fp, "    <extremum kind=\"%s\"", r->extrema[k].is_max ? "maximum" : "minimum");
            attr(fp, "image", r->extrema[k].image);
            attr(fp, "s", r->extrema[k].s);
            attr(fp, "energy", r->extrema[k].e);
            fprintf(fp, "/>\n");
        }
        fprintf(fp, "  </extrema>\n");
        fprintf(fp, "  <steps count=\"%zu\" images-below-endpoints=\"%zu\">\n", r->n_steps,
                r->n_below_ends);
        for (size_t k = 0; k < r->n_steps; k++) {
            fprintf(fp, "    <step index=\"%zu\"", k + 1);
            attr(fp, "from-image", r->step_from[k]);
            attr(fp, "to-image", r->step_to[k]);
            attr(fp, "forward", r->step_forward[k]);
            attr(fp, "reverse", r->step_reverse[k]);
            fprintf(fp, "/>\n");
        }
        fprintf(fp, "  </steps>\n");
    }
    if (r->n_images >= 2) {
        fprintf(fp, "  <profile images=\"%zu\">\n", r->n_images);
        for (size_t i = 0; i < r->n_images; i++) {
            fprintf(fp, "    <image index=\"%zu\"", i);
            attr(fp, "s", r->s[i]);
            attr(fp, "energy", r->energy[i]);
            attr(fp, "ftan", r->ftan[i]);
            if (r->energy_std)
                attr(fp, "energy-std", r->energy_std[i]);
            if (r->n_extrapolating)
                fprintf(fp, " extrapolating=\"%zu\"", r->n_extrapolating[i]);
            fprintf(fp, "/>\n");
        }
        fprintf(fp, "  </profile>\n");
    }
    if (r->n_members > 1 && r->member_forward) {
        fprintf(fp, "  <committee members=\"%zu\" energies=\"along the mean band\" "
                    "std=\"sample\">\n", r->n_members);
        for (size_t m = 0; m < r->n_members; m++) {
            fprintf(fp, "    <member index=\"%zu\"", m);
            attr(fp, "forward", r->member_forward[m]);
            attr(fp, "reverse", r->member_reverse[m]);
            fprintf(fp, "/>\n");
        }
        fprintf(fp, "  </committee>\n");
    }
    if (r->n_extrapolating)
        fprintf(fp, "  <extrapolation atoms=\"%zu\"/>\n", r->n_extrapolating_total);
    if (r->has_frequencies) {
        fprintf(fp, "  <frequencies");
        attr(fp, "imaginary", r->imaginary);
        fprintf(fp, " n-negative=\"%zu\">\n", r->n_negative);
        if (r->n_real)
            list(fp, "saddle-real", r->real, r->n_real);
        if (r->n_real_min)
            list(fp, "minimum-real", r->real_min, r->n_real_min);
        fprintf(fp, "  </frequencies>\n");
    }
    if (r->has_rate) {
        fprintf(fp, "  <rate");
        attr(fp, "temperature", r->temperature);
        attr(fp, "prefactor", r->prefactor);
        attr(fp, "rate", r->rate);
        attr(fp, "rate-low", r->rate_low);
        attr(fp, "rate-high", r->rate_high);
        fprintf(fp, "/>\n");
    }
    fprintf(fp, "</pesx-report>\n");
    if (ferror(fp)) {
        pesx_atomic_abort(&af);
        return pesx_error_set(PESX_EWRITE, path, 0, "write error");
    }
    return pesx_atomic_commit(&af);
}
