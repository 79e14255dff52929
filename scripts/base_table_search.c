/* Randomised backtracking search for the base tables of worldcafe/rotation/base_tables.py;
   driven by scripts/find_base_tables.py, which writes the input on stdin:
   q e copies tables seed seconds steps (per try) turn shift
   (turn > 0: each table stands for its images under (x, c) -> (zeta x, c + 1 mod turn) for
   c < turn and (zeta x, c) beyond, zeta of order turn, its coset `shift` cosets on)
   tables rows of `copies` counts (points of each table in each copy)
   q*q numbers: the coset of y - x for x, y (x*q + y), -1 for y = x
   q - 1 numbers: omega**i
   n, then n triples (c, d, z): cosets from copy c to copy d met before the search
   Prints the points (x, copy) table by table, or nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int q, e, m, copies, ntab, *counts, *diff, *pw, turn, shift;

static int image(int c, int g) { return c < turn ? (c + g) % turn : c; }
static int nslot, slot_t[4096], slot_c[4096], slot_first[4096], value[4096];
static char used_p[8][1024], used_w[8][1024], used_x[8][8][1024];
static unsigned long long rng_state;
static long steps, step_limit;

static unsigned long long next_random(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void shuffle(int *a, int n) {
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(next_random() % (unsigned long long)(i + 1));
        int t = a[i]; a[i] = a[j]; a[j] = t;
    }
}

static int place(int s) {
    if (++steps > step_limit) return -1;
    if (s == nslot) return 1;
    int t = slot_t[s], c = slot_c[s];
    int *cands = malloc(sizeof(int) * (size_t)(q));
    int n = 0;
    for (int i = 0; i < e; i++) {
        if (used_p[c][i]) continue;
        for (int j = 0; j < (slot_first[s] ? 1 : m); j++) cands[n++] = pw[i + e * j];
    }
    shuffle(cands, n);
    int others[16], k = 0;
    for (int j = s - 1; j >= 0 && slot_t[j] == t; j--) others[k++] = j;
    for (int a = 0; a < n; a++) {
        int x = cands[a], ok = 1, nw = 0, nx = 0;
        int w[512], xc[512], xd[512], xz[512];
        for (int o = 0; o < k && ok; o++) {
            int d = slot_c[others[o]], y = value[others[o]];
            int u = diff[y * q + x], v = diff[x * q + y]; /* x - y, y - x */
            if (u < 0) { ok = 0; break; }
            for (int g = 0; g < (turn ? turn : 1) && ok; g++) { /* the images */
                int cg = image(c, g), dg = image(d, g);
                int ug = (u + g * shift) % e, vg = (v + g * shift) % e;
                if (d == c) {
                    if (used_w[cg][ug] || used_w[cg][vg]) { ok = 0; break; }
                    used_w[cg][ug] = used_w[cg][vg] = 1;
                    w[nw++] = cg; w[nw++] = ug; w[nw++] = cg; w[nw++] = vg;
                } else {
                    if (used_x[dg][cg][ug] || used_x[cg][dg][vg]) { ok = 0; break; }
                    used_x[dg][cg][ug] = 1; used_x[cg][dg][vg] = 1;
                    xc[nx] = dg; xd[nx] = cg; xz[nx++] = ug;
                    xc[nx] = cg; xd[nx] = dg; xz[nx++] = vg;
                }
            }
        }
        for (int g = 1; g < turn && ok; g++)
            if (used_p[image(c, g)][(diff[x] + g * shift) % e]) ok = 0;
        if (ok) {
            for (int g = 0; g < (turn ? turn : 1); g++) /* the coset of x (x - 0), turned */
                used_p[image(c, g)][(diff[x] + g * shift) % e] = 1;
            value[s] = x;
            int r = place(s + 1);
            if (r != 0) { free(cands); return r; }
            for (int g = 0; g < (turn ? turn : 1); g++)
                used_p[image(c, g)][(diff[x] + g * shift) % e] = 0;
        }
        for (int i = 0; i < nw; i += 2) used_w[w[i]][w[i + 1]] = 0;
        for (int i = 0; i < nx; i++) used_x[xc[i]][xd[i]][xz[i]] = 0;
    }
    free(cands);
    return 0;
}

int main(void) {
    long seed; double seconds;
    if (scanf("%d %d %d %d %ld %lf %ld %d %d", &q, &e, &copies, &ntab, &seed, &seconds, &step_limit,
              &turn, &shift) != 9)
        return 2;
    m = (q - 1) / e;
    counts = malloc(sizeof(int) * (size_t)(ntab * copies));
    for (int i = 0; i < ntab * copies; i++) if (scanf("%d", &counts[i]) != 1) return 2;
    diff = malloc(sizeof(int) * (size_t)(q * q));
    for (int i = 0; i < q * q; i++) if (scanf("%d", &diff[i]) != 1) return 2;
    pw = malloc(sizeof(int) * (size_t)(q - 1));
    for (int i = 0; i < q - 1; i++) if (scanf("%d", &pw[i]) != 1) return 2;
    int npre, pc[4096], pd[4096], pz[4096];
    if (scanf("%d", &npre) != 1) return 2;
    for (int i = 0; i < npre; i++) if (scanf("%d %d %d", &pc[i], &pd[i], &pz[i]) != 3) return 2;
    rng_state = 0x9E3779B97F4A7C15ULL ^ (unsigned long long)seed;
    int *order = malloc(sizeof(int) * (size_t)ntab);
    clock_t start = clock();
    while ((double)(clock() - start) / CLOCKS_PER_SEC < seconds) {
        for (int i = 0; i < ntab; i++) order[i] = i;
        shuffle(order, ntab);
        nslot = 0;
        for (int t = 0; t < ntab; t++)
            for (int c = 0; c < copies; c++)
                for (int j = 0; j < counts[order[t] * copies + c]; j++) {
                    slot_t[nslot] = t; slot_c[nslot] = c;
                    slot_first[nslot] = nslot == 0 || slot_t[nslot - 1] != t;
                    nslot++;
                }
        memset(used_p, 0, sizeof used_p); memset(used_w, 0, sizeof used_w);
        memset(used_x, 0, sizeof used_x);
        for (int i = 0; i < npre; i++) used_x[pc[i]][pd[i]][pz[i]] = 1;
        steps = 0;
        if (place(0) == 1) {
            for (int s = 0; s < nslot; s++)
                printf("%d %d %d\n", slot_t[s], value[s], slot_c[s]);
            return 0;
        }
    }
    return 1;
}
