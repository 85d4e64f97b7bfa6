/* A progress bar with rate and ETA, drawn only when the log stream is a
 * terminal and the log level is at least INFO, so pipes and logs stay clean. */
#include <config.h>
#include <pesx/util.h>

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double pesx_wall_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void draw(pesx_progress *p)
{
    FILE *fp = pesx_log_stream();
    double frac = p->total ? (double)p->done / (double)p->total : 1.0;
    double elapsed = pesx_wall_time() - p->t_start;
    int width = 30, filled = (int)(frac * width + 0.5);
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    fprintf(fp, "\r%s [%s] %zu/%zu", p->label ? p->label : "", bar, p->done, p->total);
    if (p->done > 0 && p->done < p->total)
        fprintf(fp, "  ETA %.0f s ", elapsed * (1.0 - frac) / frac);
    else
        fprintf(fp, "  %.1f s     ", elapsed);
    fflush(fp);
}

void pesx_progress_start(pesx_progress *p, const char *label, size_t total)
{
    p->label = label;
    p->total = total;
    p->done = 0;
    p->t_start = pesx_wall_time();
    p->t_last_draw = 0.0;
    p->active = pesx_log_level() >= PESX_LOG_INFO && isatty(fileno(pesx_log_stream()));
    if (p->active)
        draw(p);
}

void pesx_progress_update(pesx_progress *p, size_t done)
{
    double now;
    p->done = done;
    if (!p->active)
        return;
    now = pesx_wall_time();
    if (now - p->t_last_draw < 0.1 && done < p->total)
        return; /* at most ten redraws a second */
    p->t_last_draw = now;
    draw(p);
}

void pesx_progress_finish(pesx_progress *p)
{
    if (!p->active)
        return;
    p->done = p->total;
    draw(p);
    fputc('\n', pesx_log_stream());
    p->active = 0;
}
