/* station/app: files built into the program (cmake/embed_set.cmake). */
#ifndef QC_STATION_APP_EMBEDDED_H
#define QC_STATION_APP_EMBEDDED_H

#include <stddef.h>

struct qc_embedded_file {
	const char *name;            /* "ring.json" */
	const unsigned char *data;   /* len bytes, plus a NUL */
	size_t len;
};

/* The default QC checklist templates (the .json files of data/checklists). */
extern const struct qc_embedded_file qc_checklist_files[];
extern const size_t qc_checklist_files_n;

#endif
