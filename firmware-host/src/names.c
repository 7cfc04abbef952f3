/* firmware-host: names of classes, units, keyboard layouts and suffixes,
 * and the keyboard-mode scanner's configuration checks (scanner.h). */
#include "fh-int.h"

#include <strings.h>

#include "fh/scale.h"
#include "fh/scanner.h"

const char *fh_class_name(enum fh_class cls)
{
	switch (cls) {
	case FH_CLASS_SCANNER:
		return "scanner";
	case FH_CLASS_SCALE:
		return "scale";
	case FH_CLASS_PRINTER:
		return "printer";
	case FH_CLASS_IO:
		return "io";
	case FH_CLASS_NONE:
		break;
	}
	return "none";
}

static const char *const unit_names[] = {
	[FH_UNIT_NONE] = "", [FH_UNIT_MG] = "mg", [FH_UNIT_G] = "g",
	[FH_UNIT_KG] = "kg", [FH_UNIT_CARAT] = "ct", [FH_UNIT_TAEL] = "tael",
	[FH_UNIT_GRAIN] = "gr", [FH_UNIT_PENNYWEIGHT] = "dwt", [FH_UNIT_METRIC_TON] = "t",
	[FH_UNIT_AVOIR_TON] = "ton", [FH_UNIT_TROY_OZ] = "ozt", [FH_UNIT_OZ] = "oz",
	[FH_UNIT_LB] = "lb",
};

const char *fh_unit_name(enum fh_unit unit)
{
	if ((unsigned)unit >= FH_ARRAY_SIZE(unit_names))
		return "?";
	return unit_names[unit];
}

static const char *const layout_names[FH_KBD_LAYOUT__COUNT] = {
	[FH_KBD_LAYOUT_US] = "us",
	[FH_KBD_LAYOUT_UK] = "uk",
	[FH_KBD_LAYOUT_DE] = "de",
	[FH_KBD_LAYOUT_FR] = "fr",
};

static const char *const suffix_names[FH_KBD_SUFFIX__COUNT] = {
	[FH_KBD_SUFFIX_ENTER] = "enter",
	[FH_KBD_SUFFIX_KP_ENTER] = "kp-enter",
	[FH_KBD_SUFFIX_TAB] = "tab",
	[FH_KBD_SUFFIX_NONE] = "none",
};

int fh_kbd_layout_parse(const char *name, enum fh_kbd_layout *out)
{
	if (!name || !out)
		return FH_ERR_ARG;
	if (strcasecmp(name, "gb") == 0) {
		*out = FH_KBD_LAYOUT_UK;
		return FH_OK;
	}
	for (unsigned i = 0; i < FH_KBD_LAYOUT__COUNT; i++) {
		if (strcasecmp(name, layout_names[i]) == 0) {
			*out = (enum fh_kbd_layout)i;
			return FH_OK;
		}
	}
	return FH_ERR_ARG;
}

const char *fh_kbd_layout_name(enum fh_kbd_layout layout)
{
	if ((unsigned)layout >= FH_KBD_LAYOUT__COUNT)
		return "?";
	return layout_names[layout];
}

int fh_kbd_suffix_parse(const char *name, enum fh_kbd_suffix *out)
{
	if (!name || !out)
		return FH_ERR_ARG;
	for (unsigned i = 0; i < FH_KBD_SUFFIX__COUNT; i++) {
		if (strcasecmp(name, suffix_names[i]) == 0) {
			*out = (enum fh_kbd_suffix)i;
			return FH_OK;
		}
	}
	return FH_ERR_ARG;
}

const char *fh_kbd_suffix_name(enum fh_kbd_suffix suffix)
{
	if ((unsigned)suffix >= FH_KBD_SUFFIX__COUNT)
		return "?";
	return suffix_names[suffix];
}

void fh_kbd_config_init(struct fh_kbd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->layout = FH_KBD_LAYOUT_US;
	cfg->suffix = FH_KBD_SUFFIX_ENTER;
	cfg->idle_ms = FH_KBD_IDLE_MS_DEFAULT;
	cfg->gs_substitute = 0;
	cfg->aim_prefix = true;
}

int fh_kbd_config_check(const struct fh_kbd_config *cfg)
{
	if (!cfg)
		return FH_ERR_ARG;
	if ((unsigned)cfg->layout >= FH_KBD_LAYOUT__COUNT ||
	    (unsigned)cfg->suffix >= FH_KBD_SUFFIX__COUNT)
		return FH_ERR_ARG;
	if (cfg->idle_ms < 0 || cfg->idle_ms > FH_KBD_IDLE_MS_MAX)
		return FH_ERR_ARG;
	if (cfg->idle_ms == 0 && cfg->suffix == FH_KBD_SUFFIX_NONE)
		return FH_ERR_ARG;
	if (cfg->gs_substitute < 0 || cfg->gs_substitute > 0x7e)
		return FH_ERR_ARG;
	return FH_OK;
}

int fh_kbd_config_apply(struct fh_dev *dev, const struct fh_kbd_config *cfg)
{
	int rc = fh_kbd_config_check(cfg);

	if (rc < 0)
		return rc;
	if (!dev)
		return FH_ERR_ARG;
	/* The driver refuses suffix NONE together with idle_ms 0 at every
	 * step, so set the one that cannot clash with the old value first. */
	if (cfg->idle_ms > 0) {
		rc = fh_dev_config_set(dev, FH_KEY_KBD_IDLE_MS, cfg->idle_ms);
		if (rc == 0)
			rc = fh_dev_config_set(dev, FH_KEY_KBD_SUFFIX, cfg->suffix);
	} else {
		rc = fh_dev_config_set(dev, FH_KEY_KBD_SUFFIX, cfg->suffix);
		if (rc == 0)
			rc = fh_dev_config_set(dev, FH_KEY_KBD_IDLE_MS, cfg->idle_ms);
	}
	if (rc == 0)
		rc = fh_dev_config_set(dev, FH_KEY_KBD_LAYOUT, cfg->layout);
	if (rc == 0)
		rc = fh_dev_config_set(dev, FH_KEY_KBD_GS_SUBSTITUTE, cfg->gs_substitute);
	if (rc == 0)
		rc = fh_dev_config_set(dev, FH_KEY_KBD_AIM_PREFIX, cfg->aim_prefix);
	return rc;
}
