/* tests/labels: helpers shared by the label tests (and the ZPL fuzz
 * harness): the project's templates and samples, and a ZPL command
 * tokenizer. */
#ifndef QC_TESTS_LABELS_LABTEST_H
#define QC_TESTS_LABELS_LABTEST_H

#include <stddef.h>

struct lb_template;
struct lb_data;
struct lb_label;

/* The templates of data/labels/ (every one has data/labels/samples/<name>.json). */
extern const char *const labtest_templates[];
extern const size_t labtest_templates_n;

/* Read $QC_SRC/rel (NUL-terminated, caller frees); NULL when missing. */
char *labtest_read(const char *rel, size_t *len);
/* Parse data/labels/<name>.json / data/labels/samples/<name>.json; fail the
 * running cmocka test on error. */
struct lb_template *labtest_template(const char *name);
struct lb_data *labtest_sample(const char *name);
/* Template + sample at dpi, failing the test when it does not build. */
struct lb_label *labtest_label(const char *name, int dpi);

/* ZPL commands, in order: each is the prefix ('^' or '~') and the next two
 * characters ("^FO", "^A0", "^FH").  Returns the count (at most cap), or -1
 * when zpl holds a '~' anywhere or a control byte other than '\n'. */
#define LABTEST_CMD_LEN 4
int labtest_zpl_commands(const char *zpl, size_t n, char (*out)[LABTEST_CMD_LEN], size_t cap);

#endif
