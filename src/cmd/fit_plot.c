/* pesx fit: SVG learning curve and parity plots (--plot DIR). */
#include <config.h>
#include "cmd/fit_cmd.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#define W 640.0
#define H 440.0
#define L 70.0
#define R 20.0
#define T 30.0
#define B 50.0

static double px(double v, double lo, double hi) { return L + (W - L - R) * (v - lo) / (hi - lo); }
static double py(double v, double lo, double hi) { return H - B - (H - T - B) * (v - lo) / (hi - lo); }

static void head(FILE *fp, const char *title, const char *xl, const char *yl)
{
    fprintf(fp,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
            "<text x=\"%g\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">%s</text>\n"
            "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">%s</text>\n"
            "<text x=\"16\" y=\"%g\" text-anchor=\"middle\" transform=\"rotate(-90 16 %g)\">%s</text>\n"
            "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"black\"/>\n",
            W, H, W / 2, title, (W + L - R) / 2, H - 12, xl, (H + T - B) / 2, (H + T - B) / 2, yl,
            L, T, W - L - R, H - T - B);
}

static void ticks(FILE *fp, double xlo, double xhi, double ylo, double yhi, int ylog)
{
    for (int k = 0; k <= 4; k++) {
        double xv = xlo + (xhi - xlo) * k / 4, yv = ylo + (yhi - ylo) * k / 4;
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.3g</text>\n",
                px(xv, xlo, xhi), H - B + 16, xv);
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n", L - 4,
                py(yv, ylo, yhi) + 4, ylog ? pow(10, yv) : yv);
    }
}

int fit_plot_curve(const char *path, size_t n, const pesx_fit_curve_row *c)
{
    pesx_atomic_file af;
    FILE *fp;
    double xlo = 0, xhi = 1, ylo = INFINITY, yhi = -INFINITY;
    static const char *const color[4] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};
    static const char *const name[4] = {"train E (meV/atom)", "val E (meV/atom)",
                                        "train F (meV/A)", "val F (meV/A)"};
    int st;
    for (size_t i = 0; i < n; i++) {
        if ((double)c[i].epoch > xhi)
            xhi = (double)c[i].epoch;
        for (int q = 0; q < 4; q++) {
            double v = 1e3 * c[i].rmse[q];
            if (v > 0 && isfinite(v)) {
                ylo = fmin(ylo, log10(v));
                yhi = fmax(yhi, log10(v));
            }
        }
    }
    if (!(ylo < yhi)) {
        ylo = isfinite(ylo) ? ylo - 1 : -1;
        yhi = ylo + 2;
    }
    ylo = floor(ylo);
    yhi = ceil(yhi);
    if ((st = pesx_atomic_open(&af, path)))
        return st;
    fp = af.fp;
    head(fp, "pesx fit: learning curve (RMSE, log scale)", "epoch", "RMSE");
    ticks(fp, xlo, xhi, ylo, yhi, 1);
    for (int q = 0; q < 4; q++) {
        int any = 0;
        fprintf(fp, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s points=\"",
                color[q], q % 2 ? " stroke-dasharray=\"5,3\"" : "");
        for (size_t i = 0; i < n; i++) {
            double v = 1e3 * c[i].rmse[q];
            if (i > 0 && c[i].epoch < c[i - 1].epoch) /* next committee member */
                fprintf(fp, "\"/>\n<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s "
                            "points=\"",
                        color[q], q % 2 ? " stroke-dasharray=\"5,3\"" : "");
            if (v > 0 && isfinite(v)) {
                fprintf(fp, "%.1f,%.1f ", px((double)c[i].epoch, xlo, xhi),
                        py(log10(v), ylo, yhi));
                any = 1;
            }
        }
        fprintf(fp, "\"/>\n");
        if (any)
            fprintf(fp, "<text x=\"%g\" y=\"%g\" fill=\"%s\">%s</text>\n", W - R - 150,
                    T + 16 + 14 * q, color[q], name[q]);
    }
    fprintf(fp, "</svg>\n");
    return pesx_atomic_commit(&af);
}

int fit_plot_parity(const char *path, const char *title, const char *unit, size_t n,
                    const double *ref, const double *pred)
{
    pesx_atomic_file af;
    FILE *fp;
    double lo = INFINITY, hi = -INFINITY;
    char xl[64], yl[64];
    int st;
    for (size_t i = 0; i < n; i++) {
        lo = fmin(lo, fmin(ref[i], pred[i]));
        hi = fmax(hi, fmax(ref[i], pred[i]));
    }
    if (!(lo < hi)) {
        lo = isfinite(lo) ? lo - 1 : -1;
        hi = lo + 2;
    }
    {
        double pad = 0.03 * (hi - lo);
        lo -= pad;
        hi += pad;
    }
    snprintf(xl, sizeof xl, "reference (%s)", unit);
    snprintf(yl, sizeof yl, "predicted (%s)", unit);
    if ((st = pesx_atomic_open(&af, path)))
        return st;
    fp = af.fp;
    head(fp, title, xl, yl);
    ticks(fp, lo, hi, lo, hi, 0);
    fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"gray\"/>\n",
            px(lo, lo, hi), py(lo, lo, hi), px(hi, lo, hi), py(hi, lo, hi));
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.5\" fill=\"#1f77b4\"/>\n",
                px(ref[i], lo, hi), py(pred[i], lo, hi));
    fprintf(fp, "</svg>\n");
    return pesx_atomic_commit(&af);
}

int mkdir_p(const char *dir)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++)
        if (buf[i] == '/' || buf[i] == 0) {
            char c = buf[i];
            buf[i] = 0;
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            buf[i] = c;
        }
    return 0;
}
