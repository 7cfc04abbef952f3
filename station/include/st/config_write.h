/* station: editing the station config file's text (qcstation devices bind).
 *
 * Pure: text in, text out; no I/O, no clock.  The caller reads the file,
 * calls st_config_set() and writes the result back atomically (temp file,
 * fsync, rename: station/cli/cmd_devices.c).  Lines are understood as inih
 * reads them (station/config/config.c): "[section]", "key = value" or
 * "key: value", comments starting with ';' or '#', an inline comment
 * after " ;".  Everything the edit does not touch stays byte for byte:
 * comments, blank lines, other sections, line endings, a UTF-8 BOM.
 */
#ifndef QC_STATION_CONFIG_WRITE_H
#define QC_STATION_CONFIG_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#define ST_CONFIG_TEXT_MAX (1 << 20) /* the size st_config_load() accepts */
#define ST_CONFIG_OLD_MAX 256        /* kept of a replaced value, with the NUL */

/* What st_config_set() did (OUT). */
struct st_config_edit {
	bool replaced;                 /* key was there: its line was rewritten */
	char old[ST_CONFIG_OLD_MAX];   /* its value before ("" when not replaced) */
	unsigned removed;              /* assignments of key removed (later duplicates;
					* all of them when value is NULL) */
	bool section_added;            /* the section did not exist */
};

/* Set key = value in [section] of the INI text in[0..n):
 *  - the first assignment of key in the section (in any of its [section]
 *    blocks) is rewritten as "key = value", keeping its indentation, its
 *    inline comment and its line ending; later assignments of key in the
 *    section are removed (inih would let them override it);
 *  - when the section has no such key, the line goes after the last
 *    assignment of the section's first block (after its header when it has
 *    none);
 *  - when there is no such section, a blank line, "[section]" and the line
 *    are appended (a missing final newline is added first).
 * New lines end as the text's first line does (CRLF or LF).
 * value NULL removes every assignment of key in the section instead
 * (edit->removed counts them, edit->old is the first one's value); the
 * text is otherwise unchanged, and no section is added.
 *
 * On success *out is the new text (malloc'd, NUL-terminated, *out_len
 * bytes; free() it) and edit (may be NULL) says what changed.  in may hold
 * any bytes (NULs included); it is borrowed.
 * Errors: ST_ERR_ARG (NULL out, or a section, key or value that cannot be
 * written as one INI line: empty, a control byte, leading or trailing
 * blanks, ']' in the section, '=' ':' ';' '#' '[' ']' or a blank in the key,
 * ';' in the value), ST_ERR_RANGE (in or the result larger than
 * ST_CONFIG_TEXT_MAX), ST_ERR_NOMEM.  Nothing is written on error. */
int st_config_set(const char *in, size_t n, const char *section, const char *key,
		  const char *value, char **out, size_t *out_len, struct st_config_edit *edit);

#endif
