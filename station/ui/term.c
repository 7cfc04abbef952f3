/* station/ui: terminal mode, events as text for a person at the bench.
 *
 * A line-oriented front end: it works on any terminal and with a keyboard-
 * wedge scanner typing into it.  It renders the same events headless mode
 * prints as JSON, so both show exactly what the station decided.
 */
#include <string.h>

#include "st/ui.h"

static const char *s(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static int b(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

static void print_line(FILE *out, json_t *line)
{
	json_t *p = json_object_get(line, "product"), *opts = json_object_get(line, "options");
	json_t *flags = json_object_get(line, "flags"), *v;
	const char *k;

	fprintf(out, "    %lld. %s  [%s, sku %s] x%lld\n",
		(long long)json_integer_value(json_object_get(line, "line_no")), s(p, "name"),
		s(p, "category"), s(p, "sku"),
		(long long)json_integer_value(json_object_get(line, "quantity")));
	json_object_foreach(opts, k, v)
		fprintf(out, "         %-16s %s\n", k, json_string_value(v));
	json_object_foreach(flags, k, v)
		if (json_is_true(v))
			fprintf(out, "         ** %s **\n", k);
}

static void print_order(FILE *out, json_t *o)
{
	json_t *line;
	size_t i;

	fprintf(out, "  Order %s  customer %s  status %s%s%s%s\n", s(o, "number"), s(o, "customer"),
		s(o, "status"), b(o, "cancelled") ? "  ** CANCELLED **" : "",
		b(o, "custom") ? "  custom order" : "", b(o, "gift_box") ? "  gift box" : "");
	json_array_foreach(json_object_get(o, "lines"), i, line)
		print_line(out, line);
}

void st_term_emit(json_t *ev, void *out_file)
{
	FILE *out = out_file;
	const char *name = s(ev, "event");
	json_t *x;
	size_t i;

	if (!strcmp(name, "ready")) {
		fprintf(out, "qcstation %s ready at station %s (database %s).\n"
			     "Scan your badge to log in; Ctrl-D quits.\n",
			s(ev, "version"), s(ev, "station"), s(ev, "database"));
	} else if (!strcmp(name, "scan")) {
		/* A refused scan is followed by an "error" event that says why;
		 * further reasons of an invalid code are listed here. */
		json_array_foreach(json_object_get(ev, "errors"), i, x)
			if (i > 0)
				fprintf(out, "  ! %s\n", json_string_value(x));
	} else if (!strcmp(name, "login")) {
		x = json_object_get(ev, "operator");
		fprintf(out, "OK  Logged in: %s (%s)\n", s(x, "name"), s(x, "role"));
	} else if (!strcmp(name, "logout")) {
		fprintf(out, "OK  Logged out: %s\n", s(json_object_get(ev, "operator"), "name"));
	} else if (!strcmp(name, "order")) {
		print_order(out, json_object_get(ev, "order"));
	} else if (!strcmp(name, "item")) {
		x = json_object_get(ev, "item");
		fprintf(out, "  Item %s  status %s  %s\n", s(x, "serial"), s(x, "status"),
			s(json_object_get(x, "product"), "name"));
		if (json_object_get(ev, "line"))
			print_line(out, json_object_get(ev, "line"));
		if (json_object_get(ev, "order"))
			print_order(out, json_object_get(ev, "order"));
	} else if (!strcmp(name, "product")) {
		x = json_object_get(ev, "product");
		fprintf(out, "  Product %s  %s  [%s]%s\n", s(x, "sku"), s(x, "name"), s(x, "category"),
			b(x, "final_sale") ? "  ** final sale **" : "");
	} else if (!strcmp(name, "error")) {
		fprintf(out, "ERROR  %s  (%s)\n", s(ev, "message"), s(ev, "code"));
	} else if (!strcmp(name, "notice")) {
		fprintf(out, "NOTE  %s\n", s(ev, "message"));
	} else if (!strcmp(name, "selftest")) {
		/* The scanner self-test barcode (st/selftest.h): each finding
		 * and its fix. */
		fprintf(out, "SCANNER SELF-TEST (%s): %s\n", s(ev, "source"),
			b(ev, "ok") ? "all good" : "needs fixing");
		json_array_foreach(json_object_get(ev, "findings"), i, x) {
			fprintf(out, "  %s %s\n", b(ev, "ok") ? "OK" : "!", s(x, "message"));
			if (*s(x, "fix"))
				fprintf(out, "    fix: %s\n", s(x, "fix"));
		}
	} else if (!strcmp(name, "printer")) {
		fprintf(out, "PRINTER  %s %s%s%s (%lld waiting)\n", s(ev, "printer"), s(ev, "state"),
			*s(ev, "reason") ? ": " : "", s(ev, "reason"),
			(long long)json_integer_value(json_object_get(ev, "waiting")));
	} else if (!strcmp(name, "print") && !strcmp(s(ev, "state"), "queued")) {
		fprintf(out, "PRINT    QC tag %s queued: label job %lld\n", s(ev, "entity"),
			(long long)json_integer_value(json_object_get(ev, "job")));
	} else if (!strcmp(name, "print") && !strcmp(s(ev, "state"), "not_queued")) {
		fprintf(out, "PRINTER  no QC tag for %s: %s\n", s(ev, "entity"), s(ev, "error"));
	} else if (!strcmp(name, "print") && strcmp(s(ev, "state"), "done")) {
		fprintf(out, "PRINTER  label job %lld %s: %s\n",
			(long long)json_integer_value(json_object_get(ev, "job")), s(ev, "state"),
			s(ev, "error"));
	} else if (!strcmp(name, "shutdown")) {
		fprintf(out, "Bye: %lld scans stored this session.\n",
			(long long)json_integer_value(json_object_get(ev, "scans")));
	}
	fflush(out);
}
