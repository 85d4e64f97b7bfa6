/* potential.xml writer: every number with %.17g (exact round trip), the file
 * written atomically.  Layout in pesx-potential(5). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <pesx/io.h>
#include "io/potential_file_impl.h"

static void put_attr_str(FILE *fp, const char *name, const char *value)
{
    fprintf(fp, " %s=\"", name);
    pesx_xml_put_escaped(fp, value);
    fputc('"', fp);
}

/* name="%.17g", skipped when the value is NaN (unknown). */
static void put_attr_num(FILE *fp, const char *name, double value)
{
    if (!isnan(value))
        fprintf(fp, " %s=\"%.17g\"", name, value);
}

static void put_text_elem(FILE *fp, const char *indent, const char *name, const char *text)
{
    fprintf(fp, "%s<%s>", indent, name);
    pesx_xml_put_escaped(fp, text);
    fprintf(fp, "</%s>\n", name);
}

static void write_metadata(FILE *fp, const pesx_potential_file *pf)
{
    char date[64];
    if (pf->date[0]) {
        snprintf(date, sizeof date, "%s", pf->date);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    fputs("  <metadata>\n", fp);
    put_text_elem(fp, "    ", "pesx-version", pf->pesx_version[0] ? pf->pesx_version : PACKAGE_VERSION);
    put_text_elem(fp, "    ", "date", date);
    if (pf->source[0])
        put_text_elem(fp, "    ", "source", pf->source);
    if (pf->data_checksum[0])
        put_text_elem(fp, "    ", "data-checksum", pf->data_checksum);
    if (pf->fit_options[0])
        put_text_elem(fp, "    ", "fit-options", pf->fit_options);
    if (!isnan(pf->rmse_energy_train) || !isnan(pf->rmse_force_train)) {
        fputs("    <rmse set=\"train\"", fp);
        put_attr_num(fp, "energy", pf->rmse_energy_train);
        put_attr_num(fp, "forces", pf->rmse_force_train);
        fputs("/>\n", fp);
    }
    if (!isnan(pf->rmse_energy_test) || !isnan(pf->rmse_force_test)) {
        fputs("    <rmse set=\"test\"", fp);
        put_attr_num(fp, "energy", pf->rmse_energy_test);
        put_attr_num(fp, "forces", pf->rmse_force_test);
        fputs("/>\n", fp);
    }
    fputs("  </metadata>\n", fp);
}

static void write_sf(FILE *fp, const pesx_potential_file_sf *sf, size_t index)
{
    fprintf(fp, "      <sf index=\"%zu\"", index);
    put_attr_str(fp, "type", sf->type);
    if (sf->e1[0])
        put_attr_str(fp, "e1", sf->e1);
    if (sf->e2[0])
        put_attr_str(fp, "e2", sf->e2);
    if (sf->sub[0])
        put_attr_str(fp, "sub", sf->sub);
    for (size_t p = 0; p < sf->n_params; p++)
        fprintf(fp, " %s=\"%.17g\"", sf->param_name[p], sf->param[p]);
    put_attr_num(fp, "min", sf->gmin);
    put_attr_num(fp, "max", sf->gmax);
    put_attr_num(fp, "mean", sf->gmean);
    put_attr_num(fp, "sigma", sf->gsigma);
    put_attr_num(fp, "train-min", sf->train_min);
    put_attr_num(fp, "train-max", sf->train_max);
    fputs("/>\n", fp);
}

static void write_element(FILE *fp, const pesx_potential_file *pf,
                          const pesx_potential_file_element *e)
{
    fprintf(fp, "  <element symbol=\"%s\" z=\"%d\" reference-energy=\"%.17g\">\n", e->symbol,
            e->z, e->ref_energy);
    fprintf(fp, "    <symmetry-functions count=\"%zu\">\n", e->n_sf);
    for (size_t s = 0; s < e->n_sf; s++)
        write_sf(fp, &e->sf[s], s + 1);
    fputs("    </symmetry-functions>\n", fp);
    fputs("    <network layers=\"", fp);
    for (size_t l = 0; l < e->n_sizes; l++)
        fprintf(fp, "%s%zu", l ? " " : "", e->size[l]);
    fputs("\" activations=\"", fp);
    for (size_t l = 0; l + 1 < e->n_sizes; l++) {
        if (l)
            fputc(' ', fp);
        pesx_xml_put_escaped(fp, e->activation[l]);
    }
    fprintf(fp, "\" normalize-nodes=\"%d\">\n", e->normalize_nodes ? 1 : 0);
    for (size_t m = 0; m < pf->n_members; m++) {
        const double *w = e->weights + m * e->n_weights;
        fprintf(fp, "      <weights member=\"%zu\" count=\"%zu\">", m + 1, e->n_weights);
        for (size_t k = 0; k < e->n_weights; k++)
            fprintf(fp, "%s%.17g", k % 4 ? " " : "\n        ", w[k]);
        fputs("\n      </weights>\n", fp);
    }
    fputs("    </network>\n  </element>\n", fp);
}

int pesx_potential_file_write(const char *path, const pesx_potential_file *pf)
{
    pesx_atomic_file af;
    int st = pesx_pf_check(pf, path, NULL);
    if (st)
        return st;
    if ((st = pesx_atomic_open(&af, path)))
        return st;
    FILE *fp = af.fp;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
    fputs("<!-- A Behler-Parrinello neural-network potential for pesx; format in "
          "pesx-potential(5). Units: eV, Angstrom. -->\n",
          fp);
    fprintf(fp, "<pesx-potential version=\"%d\">\n", PESX_POTENTIAL_FILE_VERSION);
    write_metadata(fp, pf);
    fputs("  <units energy=\"eV\" length=\"Angstrom\"/>\n", fp);
    fputs("  <cutoff", fp);
    put_attr_str(fp, "type", pf->cutoff_type);
    fprintf(fp, " alpha=\"%.17g\"/>\n", pf->cutoff_alpha);
    fputs("  <scaling", fp);
    put_attr_str(fp, "mode", pf->scaling_mode);
    fprintf(fp, " smin=\"%.17g\" smax=\"%.17g\"/>\n", pf->smin, pf->smax);
    fprintf(fp, "  <normalization mean-energy=\"%.17g\" conv-energy=\"%.17g\"/>\n",
            pf->mean_energy, pf->conv_energy);
    fprintf(fp, "  <committee members=\"%zu\"/>\n", pf->n_members);
    for (size_t k = 0; k < pf->n_elements; k++)
        write_element(fp, pf, &pf->element[k]);
    fputs("</pesx-potential>\n", fp);
    return pesx_atomic_commit(&af);
}
