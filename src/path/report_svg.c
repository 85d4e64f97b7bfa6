/* SVG energy profile: E - E(reactant) against path length, the Hermite
 * spline, the images (the saddle image highlighted) and, for a committee,
 * the spline +- sigma band (sigma interpolated linearly between images). */
#include <config.h>
#include <pesx/path_report.h>

#include <math.h>
#include <stdio.h>

#define W 640.0
#define H 420.0
#define ML 80.0
#define MR 20.0
#define MT 30.0
#define MB 60.0
#define NS 240

typedef struct {
    double s0, s1, e0, e1;
} frame;

static double px(const frame *f, double s)
{
    return ML + (s - f->s0) / (f->s1 - f->s0) * (W - ML - MR);
}

static double py(const frame *f, double e)
{
    return H - MB - (e - f->e0) / (f->e1 - f->e0) * (H - MT - MB);
}

static double sigma_at(const pesx_report *r, double s)
{
    size_t i = 0;
    double t;
    while (i + 2 < r->n_images && s > r->s[i + 1])
        i++;
    t = (s - r->s[i]) / (r->s[i + 1] - r->s[i]);
    t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    return (1.0 - t) * r->energy_std[i] + t * r->energy_std[i + 1];
}

/* A "nice" tick step for a range. */
static double tick_step(double range)
{
    double raw = range / 5.0, p = pow(10.0, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

int pesx_report_write_svg(const char *path, const pesx_report *r)
{
    pesx_atomic_file af;
    FILE *fp;
    frame f;
    double ref, lo = INFINITY, hi = -INFINITY, step;
    int status;
    if (r->n_images < 2 || r->spline.n < 2)
        return pesx_error_set(PESX_EINVAL, path, 0,
                              "an energy profile needs a path of at least 2 images");
    ref = r->energy[0];
    for (size_t k = 0; k <= NS; k++) {
        double s = r->s[0] + (r->s[r->n_images - 1] - r->s[0]) * k / NS;
        double e = pesx_spline_eval(&r->spline, s, NULL) - ref, sg = 0.0;
        if (r->energy_std)
            sg = sigma_at(r, s);
        if (e - sg < lo)
            lo = e - sg;
        if (e + sg > hi)
            hi = e + sg;
    }
    if (!(hi > lo))
        hi = lo + 1.0;
    f.s0 = r->s[0];
    f.s1 = r->s[r->n_images - 1];
    f.e0 = lo - 0.05 * (hi - lo);
    f.e1 = hi + 0.08 * (hi - lo);

    status = pesx_atomic_open(&af, path);
    if (status)
        return status;
    fp = af.fp;
    fprintf(fp,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            W, H, W, H);
    /* axes and ticks */
    fprintf(fp, "<g stroke=\"black\" fill=\"none\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                "height=\"%.1f\"/></g>\n",
            ML, MT, W - ML - MR, H - MT - MB);
    step = tick_step(f.e1 - f.e0);
    for (double e = ceil(f.e0 / step) * step; e <= f.e1; e += step) {
        double y = py(&f, e);
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                ML - 5, y, ML, y, ML - 8, y + 4, fabs(e) < 1e-12 * step ? 0.0 : e);
    }
    step = tick_step(f.s1 - f.s0);
    for (double s = ceil(f.s0 / step) * step; s <= f.s1 + 1e-12; s += step) {
        double x = px(&f, s);
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n",
                x, H - MB, x, H - MB + 5, x, H - MB + 20, s);
    }
    fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">path length (&#197;)</text>\n",
            ML + (W - ML - MR) / 2, H - 15);
    fprintf(fp, "<text transform=\"translate(20,%.1f) rotate(-90)\" text-anchor=\"middle\">"
                "E &#8722; E(reactant) (eV)</text>\n",
            MT + (H - MT - MB) / 2);
    /* committee band */
    if (r->energy_std) {
        fprintf(fp, "<polygon fill=\"#9ecae1\" fill-opacity=\"0.5\" stroke=\"none\" points=\"");
        for (size_t k = 0; k <= NS; k++) {
            double s = f.s0 + (f.s1 - f.s0) * k / NS;
            fprintf(fp, "%.1f,%.1f ", px(&f, s),
                    py(&f, pesx_spline_eval(&r->spline, s, NULL) - ref + sigma_at(r, s)));
        }
        for (size_t k = NS + 1; k-- > 0;) {
            double s = f.s0 + (f.s1 - f.s0) * k / NS;
            fprintf(fp, "%.1f,%.1f ", px(&f, s),
                    py(&f, pesx_spline_eval(&r->spline, s, NULL) - ref - sigma_at(r, s)));
        }
        fprintf(fp, "\"/>\n");
    }
    /* spline */
    fprintf(fp, "<polyline fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\" points=\"");
    for (size_t k = 0; k <= NS; k++) {
        double s = f.s0 + (f.s1 - f.s0) * k / NS;
        fprintf(fp, "%.1f,%.1f ", px(&f, s), py(&f, pesx_spline_eval(&r->spline, s, NULL) - ref));
    }
    fprintf(fp, "\"/>\n");
    /* images */
    for (size_t i = 0; i < r->n_images; i++)
        fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"/>\n", px(&f, r->s[i]),
                py(&f, r->energy[i] - ref), i == r->saddle_image ? "6" : "4",
                i == r->saddle_image ? "#cb181d" : "black");
    fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\">", ML + 6, MT - 10);
    if (isfinite(r->barrier_forward))
        fprintf(fp, "forward barrier %.4f eV", r->barrier_forward);
    if (r->n_members > 1 && isfinite(r->forward_std))
        fprintf(fp, " &#177; %.4f", r->forward_std);
    if (isfinite(r->reaction_energy))
        fprintf(fp, ", reaction energy %.4f eV", r->reaction_energy);
    fprintf(fp, "</text>\n</svg>\n");
    if (ferror(fp)) {
        pesx_atomic_abort(&af);
        return pesx_error_set(PESX_EWRITE, path, 0, "write error");
    }
    return pesx_atomic_commit(&af);
}
