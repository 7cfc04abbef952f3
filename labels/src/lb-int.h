/* labels: declarations private to the library.  Never included from outside
 * labels/. */
#ifndef QC_LABELS_LB_INT_H
#define QC_LABELS_LB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "lb/label.h"

/* A barcode as a grid of modules, quiet zones included (libzint). */
struct lb_matrix {
	int w, h;       /* modules, quiet zones included */
	int qx, qy;     /* quiet zone on the left / top, modules */
	int sym_w, sym_h; /* the symbol without quiet zones, modules */
	uint8_t *m;     /* w * h bytes, 1 = dark; 1D symbols have h = 1 */
};

/* Encode data with libzint; LB_ERR_RANGE with zint's message in err when it
 * refuses the data. */
int lb_matrix_encode(enum lb_sym sym, const char *data, size_t len, struct lb_matrix *out,
		     char *err, size_t errlen);
void lb_matrix_fini(struct lb_matrix *m);
/* The symbol's size in dots (without quiet zones), for its box check: 1D
 * symbols are as tall as the box. */
void lb_matrix_dots(const struct lb_matrix *m, const struct lb_el *e, int *w, int *h);

/* snprintf into err when err is not NULL. */
void lb_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#endif
