/* fit: the whole fit as one call (pesx_fit_run), shared by pesx fit, the
 * learning loop and embedding programs: split, symmetry functions, scaling,
 * reference energies, the committee's members with checkpoints, closing
 * errors and the potential.  Progress goes to the setup's callback. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fit/run_impl.h"

static int emit(fit_run *R, pesx_fit_event *ev)
{
    ev->n_members = R->n_members;
    return R->o->progress ? R->o->progress(ev, R->o->ctx) : 0;
}

/* pesx_fit_train's callback: curve, progress, checkpoints; nonzero stops. */
static int on_epoch(const pesx_fit_epoch *ep, size_t member, void *ctx)
{
    fit_run *R = ctx;
    pesx_fit_curve_row row;
    pesx_fit_event ev;
    int st;
    row.member = member;
    row.epoch = ep->epoch;
    row.rmse[0] = pesx_fit_errors_rmse_e(&ep->train);
    row.rmse[1] = pesx_fit_errors_rmse_e(&ep->val);
    row.rmse[2] = pesx_fit_errors_rmse_f(&ep->train);
    row.rmse[3] = pesx_fit_errors_rmse_f(&ep->val);
    row.seconds = ep->seconds;
    if ((st = fit_curve_add(R, &row))) {
        R->failed = st;
        return 1;
    }
    memset(&ev, 0, sizeof ev);
    ev.kind = PESX_FIT_EVENT_EPOCH;
    ev.member = member;
    ev.epoch = ep;
    ev.epochs_before = R->epochs_before;
    ev.total_epochs = R->total_epochs;
    if (emit(R, &ev))
        R->stopped = 1;
    if (R->o->checkpoint_every &&
        (R->stopped || (ep->epoch > 0 && ep->epoch % R->o->checkpoint_every == 0)) &&
        (st = fit_checkpoint_write(R, member, ep))) {
        R->failed = st;
        return 1;
    }
    return R->stopped;
}

/* Every file the fit will write, before any work. */
static int check_outputs(fit_run *R)
{
    const pesx_fit_setup *o = R->o;
    const char *paths[5] = {o->output, o->curve, o->parity, NULL, NULL};
    int st;
    if (o->checkpoint_every || o->resume) {
        if (!o->output)
            return pesx_error_set(PESX_EINVAL, NULL, 0, "checkpoints need an output file");
        paths[3] = R->checkpoint;
        paths[4] = R->state_path;
    }
    for (int i = 0; i < 5; i++)
        if (paths[i] && (st = pesx_output_check(paths[i])))
            return st;
    return PESX_OK;
}

/* The symmetry functions (and for a warm start or a resume the whole
 * potential so far) into res->pf, from the training pool POOL of DATA. */
static int setup_functions(fit_run *R, const pesx_dataset *data, const size_t *pool,
                           size_t npool)
{
    const pesx_fit_setup *o = R->o;
    pesx_potential_file *pf = &R->res->pf;
    pesx_dataset sub;
    int st;
    if (o->resume)
        return pesx_potential_file_read(R->checkpoint, pf);
    if (o->start)
        return pesx_potential_file_copy(pf, o->start);
    pesx_dataset_init(&sub);
    if ((st = pesx_dataset_subset(&sub, data, pool, npool)))
        return st;
    if (o->sf_file)
        st = pesx_fit_sf_read(o->sf_file, &sub, &o->sf, pf);
    else {
        pesx_fit_sf_report rep;
        if (!(st = pesx_fit_sf_generate(&sub, &o->sf, pf, &rep))) {
            pesx_fit_event ev;
            memset(&ev, 0, sizeof ev);
            ev.kind = PESX_FIT_EVENT_SF;
            ev.sf = &rep;
            emit(R, &ev);
        }
    }
    pesx_dataset_release(&sub);
    return st;
}

/* Warm start: the start's scaling stays; its training ranges (for the
 * extrapolation warnings) grow to cover the pool. */
static int widen_ranges(const pesx_fit_set *s, const size_t *pool, size_t npool,
                        pesx_potential_file *pf)
{
    pesx_potential_file now;
    int st;
    if ((st = pesx_potential_file_copy(&now, pf)))
        return st;
    if (!(st = pesx_fit_set_statistics(s, pool, npool, &now)))
        for (size_t e = 0; e < pf->n_elements; e++)
            for (size_t k = 0; k < pf->element[e].n_sf; k++) {
                pesx_potential_file_sf *a = &pf->element[e].sf[k];
                const pesx_potential_file_sf *b = &now.element[e].sf[k];
                a->train_min = isnan(a->train_min) ? b->train_min : fmin(a->train_min, b->train_min);
                a->train_max = isnan(a->train_max) ? b->train_max : fmax(a->train_max, b->train_max);
            }
    pesx_potential_file_release(&now);
    return st;
}

/* Resume: the saved state of the interrupted member, checked against the
 * checkpoint potential. */
static int load_resume(fit_run *R, pesx_fit_state *rs, size_t *first_member)
{
    const pesx_potential_file *pf = &R->res->pf;
    long mem = 0, ep = 0;
    int st;
    if (sscanf(pf->source, "pesx fit checkpoint: member %ld epoch %ld", &mem, &ep) != 2)
        return pesx_error_set(PESX_EINVAL, R->checkpoint, 0, "not a pesx fit checkpoint");
    if ((st = pesx_fit_state_load(rs, R->state_path)))
        return st;
    if (rs->member != (size_t)mem || rs->epoch != (size_t)ep) {
        st = pesx_error_set(PESX_EINVAL, NULL, 0,
                            "%s (member %ld, epoch %ld) and %s (member %zu, epoch %zu) are not "
                            "one checkpoint",
                            R->checkpoint, mem, ep, R->state_path, rs->member, rs->epoch);
        pesx_fit_state_release(rs);
        return st;
    }
    *first_member = (size_t)mem;
    return PESX_OK;
}

/* Member Q's training and validation lists: its own split of the pool. */
static int member_split(const pesx_fit_setup *o, const size_t *pool, size_t npool, size_t q,
                        size_t *idx, size_t *n_train, size_t *n_val)
{
    size_t *sp, c;
    int st = pesx_fit_split(npool, o->val_fraction, 0.0, o->train.seed + 1000003ULL * (q + 1),
                            &sp, n_train, n_val, &c);
    if (st)
        return st;
    for (size_t i = 0; i < npool; i++)
        idx[i] = pool[sp[i]];
    free(sp);
    return PESX_OK;
}

/* Train members FIRST.. of the committee; *TRAINED gets the members done. */
static int train_members(fit_run *R, pesx_fit_set *s, const size_t *pool, size_t npool,
                         size_t first, const pesx_fit_state *rs, size_t *idx, size_t *trained)
{
    const pesx_fit_setup *o = R->o;
    int st;
    *trained = first;
    for (size_t q = first; q < R->n_members && !R->stopped; q++) {
        pesx_fit_options t = o->train;
        pesx_fit_event ev;
        size_t a, b, done = 0, best = 0;
        if ((st = member_split(o, pool, npool, q, idx, &a, &b)))
            return st;
        t.seed = o->train.seed + q;
        t.on_epoch = on_epoch;
        t.ctx = R;
        t.resume = q == first ? rs : NULL; /* checked against this run's options */
        R->member = q;
        R->epochs_before = q * (R->total_epochs / R->n_members);
        st = pesx_fit_train(R->m, q, s, idx, a, idx + a, b, &t, &done, &best);
        if (!st && R->failed)
            st = R->failed;
        if (st)
            return st;
        memset(&ev, 0, sizeof ev);
        ev.kind = PESX_FIT_EVENT_MEMBER;
        ev.member = q;
        ev.epochs_done = done;
        ev.best_epoch = best;
        emit(R, &ev);
        if (!R->stopped)
            *trained = q + 1;
    }
    return PESX_OK;
}

/* The committee's errors on member 0's training and validation lists and on
 * the test set, with the parity file. */
static int closing_errors(fit_run *R, pesx_fit_set *s, pesx_fit_set *stest,
                          const pesx_dataset *data, const pesx_dataset *test, const size_t *pool,
                          size_t npool, const size_t *test_idx, size_t *idx)
{
    const pesx_fit_setup *o = R->o;
    pesx_fit_result *res = R->res;
    pesx_atomic_file af;
    FILE *par = NULL;
    size_t a, b, *all = NULL;
    int st;
    if ((st = member_split(o, pool, npool, 0, idx, &a, &b)))
        return st;
    res->n_train = a;
    res->n_val = b;
    if (o->parity) {
        if ((st = pesx_atomic_open(&af, o->parity)))
            return st;
        par = af.fp;
        fprintf(par, "# kind\tset\tid\tatoms_or_atom\tcomponent\treference\tpredicted\n"
                     "# E rows: energy per atom (eV/atom); F rows: force components "
                     "(eV/Angstrom)\n");
    }
    st = fit_evaluate(R, s, data, idx, a, "train", par, 0, &res->train);
    if (!st)
        st = fit_evaluate(R, s, data, idx + a, b, "val", par, 0, &res->val);
    if (!st && stest) {
        if (!(all = malloc((test->n + 1) * sizeof *all)))
            st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        for (size_t k = 0; all && k < test->n; k++)
            all[k] = k;
        if (!st)
            st = fit_evaluate(R, stest, test, all, test->n, "test", par, 1, &res->test);
    } else if (!st)
        st = fit_evaluate(R, s, data, test_idx, res->n_test, "test", par, 1, &res->test);
    free(all);
    if (par) {
        if (st)
            pesx_atomic_abort(&af);
        else
            st = pesx_atomic_commit(&af);
    }
    return st;
}

int pesx_fit_run(const pesx_fit_setup *o, const pesx_dataset *data, const pesx_dataset *test,
                 pesx_fit_result *res)
{
    fit_run R;
    pesx_fit_model m;
    pesx_fit_set *s = NULL, *stest = NULL;
    pesx_fit_state rs;
    pesx_potential_file *pf = &res->pf;
    size_t *split = NULL, *idx = NULL, ntr = 0, nva = 0, nte = 0, first = 0, trained = 0;
    int st, have_model = 0, have_rs = 0;
    double tf = test ? 0.0 : o->test_fraction;
    memset(res, 0, sizeof *res);
    pesx_potential_file_init(pf);
    memset(&R, 0, sizeof R);
    memset(&m, 0, sizeof m);
    memset(&rs, 0, sizeof rs);
    R.o = o;
    R.res = res;
    R.m = &m;
    if (o->output) {
        snprintf(R.checkpoint, sizeof R.checkpoint, "%s.checkpoint", o->output);
        snprintf(R.state_path, sizeof R.state_path, "%s.checkpoint.state", o->output);
    }
    if (o->resume && o->start)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "a resume and a warm start exclude each other");
    if (!(o->val_fraction >= 0 && tf >= 0 && o->val_fraction + tf < 1))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "test and validation fractions must be >= 0 with a sum < 1");
    if ((st = check_outputs(&R)))
        return st;
    /* data: the test share from the end of a shuffle, the pool first */
    if ((st = pesx_fit_split(data->n, 0.0, tf, o->train.seed, &split, &ntr, &nva, &nte)))
        return st;
    res->n_pool = ntr;
    res->n_test = test ? test->n : nte;
    res->separate_test = test != NULL;
    if (ntr < 2) {
        st = pesx_error_set(PESX_EINVAL, NULL, 0,
                            "%zu structures are too few to train and validate", data->n);
        goto out;
    }
    if ((st = setup_functions(&R, data, split, ntr)) || (st = pesx_fit_model_init(&m, pf, 1)))
        goto out;
    have_model = 1;
    if (!(s = pesx_fit_set_alloc(&m, data, NULL, NULL)) ||
        (test && !(stest = pesx_fit_set_alloc(&m, test, NULL, NULL)))) {
        st = pesx_error_last()->code ? pesx_error_last()->code : PESX_EINVAL;
        goto out;
    }
    R.n_members = o->committee;
    if (o->resume || o->start) {
        if (o->resume && !(st = load_resume(&R, &rs, &first)))
            have_rs = 1;
        if (!st && o->start)
            st = widen_ranges(s, split, ntr, pf);
        if (!st && m.n_members == 0)
            st = pesx_error_set(PESX_EINVAL, NULL, 0, "the start potential has no networks");
        if (st || (st = pesx_fit_model_set_scaling(&m, pf)))
            goto out;
        R.n_members = pf->n_members;
    } else {
        pesx_fit_event ev;
        if ((st = pesx_fit_set_statistics(s, split, ntr, pf)) ||
            (st = pesx_fit_model_set_scaling(&m, pf)) ||
            (st = pesx_fit_ref_energies_report(&m, s, split, ntr, &res->ref)) ||
            (st = pesx_fit_model_set_networks(&m, o->committee, o->n_hidden, o->hidden,
                                              o->activation, o->train.seed)))
            goto out;
        memset(&ev, 0, sizeof ev);
        ev.kind = PESX_FIT_EVENT_REF;
        ev.ref = &res->ref;
        emit(&R, &ev);
    }
    if ((st = pesx_fit_set_scale(s, &m)) || (stest && (st = pesx_fit_set_scale(stest, &m))))
        goto out;
    if (o->curve)
        st = o->resume ? fit_curve_resume(&R, o->curve, rs.member, rs.epoch)
                       : fit_curve_start(o->curve);
    if (st)
        goto out;
    if (!(idx = malloc((ntr + 1) * sizeof *idx))) {
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    R.total_epochs = (o->train.epochs + (o->train.optimizer != PESX_FIT_LBFGS ? o->train.polish : 0)) *
                     R.n_members;
    {
        pesx_fit_event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = PESX_FIT_EVENT_START;
        ev.total_epochs = R.total_epochs;
        ev.n_data = data->n + (test ? test->n : 0);
        ev.n_pool = ntr;
        ev.n_test = res->n_test;
        ev.n_weights = m.n_weights;
        emit(&R, &ev);
    }
    if ((st = train_members(&R, s, split, ntr, first, have_rs ? &rs : NULL, idx, &trained)))
        goto out;
    res->interrupted = R.stopped;
    /* stopped in the first member: its best weights */
    res->n_members = trained ? trained : 1;
    m.n_members = res->n_members;
    st = closing_errors(&R, s, stest, data, test, split, ntr, split + ntr, idx);
    m.n_members = R.n_members;
    if (st)
        goto out;
    pf->rmse_energy_train = pesx_fit_errors_rmse_e(&res->train);
    pf->rmse_force_train = pesx_fit_errors_rmse_f(&res->train);
    pf->rmse_energy_test = res->n_test ? pesx_fit_errors_rmse_e(&res->test) : NAN;
    pf->rmse_force_test = res->n_test ? pesx_fit_errors_rmse_f(&res->test) : NAN;
    /* which data made this potential: the same checksum whatever the file
     * format, and how */
    pesx_dataset_checksum(data, pf->data_checksum, sizeof pf->data_checksum);
    pesx_fit_setup_describe(o, pf->fit_options, sizeof pf->fit_options);
    if ((st = fit_write_model(&R, o->output, res->n_members, o->source ? o->source : "pesx fit")))
        goto out;
    if (!res->interrupted && o->output && (o->checkpoint_every || o->resume)) {
        remove(R.checkpoint);
        remove(R.state_path);
    }
out:
    free(idx);
    free(split);
    pesx_fit_set_free(s);
    pesx_fit_set_free(stest);
    if (have_rs)
        pesx_fit_state_release(&rs);
    if (have_model)
        pesx_fit_model_release(&m);
    return st;
}

void pesx_fit_result_release(pesx_fit_result *res)
{
    if (!res)
        return;
    pesx_potential_file_release(&res->pf);
    free(res->curve);
    free(res->test_e_ref);
    free(res->test_e_pred);
    free(res->test_f_ref);
    free(res->test_f_pred);
    memset(res, 0, sizeof *res);
}
