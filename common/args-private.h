/* args-private.h — what the common/args*.c files share: UmkArgs itself, the
 * lock, setting values and the helpers more than one of the files calls.
 *
 * A setting is what Core keeps in a UniValue, here a JsonNode: null, false,
 * true, a string, or (only from settings.json) a number, an array or an
 * object. Command-line and config values are always strings, false ("-nofoo")
 * or true ("-nofoo=0"). Nodes are sealed (immutable) once stored, so they are
 * shared by reference.
 *
 * Functions named *_locked expect the caller to hold the UmkArgs lock
 * (LOCK_ARGS). */
#pragma once

#include "common/args.h"

#include <json-glib/json-glib.h>

/* ---- UmkArgs ------------------------------------------------------------ */

typedef struct
{
  char *name;       /* "-dbcache", or "create" for a command */
  char *help_param; /* "=<n>" or "" */
  char *help;
  unsigned flags;
  UmkOptionsCategory category;
} ArgInfo;

typedef struct
{
  char *name;
  char *file;
  int line;
} SectionInfo;

struct _UmkArgs
{
  GRecMutex lock;

  /* Registry. */
  GPtrArray *available[UMK_OPTIONS_N_CATEGORIES]; /* ArgInfo *, owned */
  gboolean category_used[UMK_OPTIONS_N_CATEGORIES];
  GHashTable *by_name;      /* name -> ArgInfo * (borrowed) */
  GHashTable *network_only; /* setting name (no dash) -> itself */
  gboolean accept_any_command;

  /* Settings, as Core's common::Settings. Every value list is a GPtrArray of
   * JsonNode *; forced and read-write settings are lists of exactly one. */
  GHashTable *forced;  /* name -> GPtrArray */
  GHashTable *cmdline; /* name -> GPtrArray */
  GHashTable *rw;      /* name -> GPtrArray */
  GHashTable *ro;      /* section -> (name -> GPtrArray) */

  GPtrArray *command;         /* char *: positional arguments */
  char *network;              /* selected config section, or NULL */
  GPtrArray *config_sections; /* SectionInfo * */
  char *config_path;          /* NULL until config files were read */
  GPtrArray *console_warnings;
};

/* Read-only entry points take a const UmkArgs; the lock inside is still
 * taken, as Core's `mutable` mutex is. */
#define LOCK_ARGS(args)            \
  UmkArgs *a = (UmkArgs *) (args); \
  g_autoptr (GRecMutexLocker) locker_ = g_rec_mutex_locker_new (&a->lock)

/* "-foo" -> "foo" (Core's SettingName: one leading dash is dropped). */
static inline const char *
setting_name (const char *arg)
{
  return arg[0] == '-' ? arg + 1 : arg;
}

/* The registered option called name ("-name"), or NULL. */
static inline const ArgInfo *
lookup_arg_locked (UmkArgs *a, const char *name)
{
  return g_hash_table_lookup (a->by_name, name);
}

/* Returns: the category's options sorted by name, as Core's std::map holds
 * them (borrowed pointers; free the array with g_ptr_array_unref). */
GPtrArray *umk_args_sorted_category_locked (UmkArgs *a, UmkOptionsCategory cat);

/* ---- Setting values (args-value.c) -------------------------------------- */

/* Returns: a new sealed string, or boolean, setting. */
JsonNode *umk_setting_new_string (const char *s);
JsonNode *umk_setting_new_bool (gboolean b);
/* Returns: TRUE for false, which is how a negation ("-nofoo") is stored. */
gboolean umk_setting_is_false (JsonNode *v);
/* Returns: the text string getters see ("0"/"1" for booleans, a number's JSON
 * text), NULL for an unset value, null, arrays and objects (where Core would
 * throw). Newly allocated. */
char *umk_setting_to_string (JsonNode *v);
/* Returns: the string v holds, NULL when v is not a string. */
const char *umk_setting_get_string (JsonNode *v);
/* Returns: v as JSON text ("null" when v is NULL), newly allocated. */
char *umk_setting_to_json (JsonNode *v);
/* Returns: v read as an integer (Core's LocaleIndependentAtoi on its text),
 * def when unset, null, an array or an object. */
gint64 umk_setting_to_int (JsonNode *v, gint64 def);
/* Returns: v read as a boolean ("" and non-zero numbers are true), def when
 * unset, null, an array or an object. */
gboolean umk_setting_to_bool (JsonNode *v, gboolean def);
/* Core's InterpretBool: "" is true, otherwise atoi (int) != 0. */
gboolean umk_interpret_bool (const char *s);

/* A list of values (GPtrArray of JsonNode *, owning them). */
GPtrArray *umk_setting_list_new (void);
/* A table name -> list of values. */
GHashTable *umk_setting_table_new (void);
/* Appends v (taking it) to name's list in table. */
void umk_setting_table_append (GHashTable *table, const char *name, JsonNode *v);
/* Returns: the (string) keys of table, sorted as Core's std::maps walk them;
 * borrowed pointers. */
GPtrArray *umk_args_sorted_keys (GHashTable *table);

/* ---- Merging the sources and the getters (args-merge.c) ----------------- */

/* Returns: the position just after the last negation in list (0 when there
 * is none): values before it do not count. */
guint umk_setting_list_negated (GPtrArray *list);
/* Returns: TRUE when list is empty or ends with a negation. */
gboolean umk_setting_list_empty (GPtrArray *list);

/* Core's common::GetSetting. Returns: a borrowed value, NULL for "unset". */
JsonNode *umk_args_settings_get_locked (UmkArgs *a, const char *section, const char *name,
                                        gboolean ignore_default_section_config,
                                        gboolean ignore_nonpersistent, gboolean get_chain_type);
/* Core's common::OnlyHasDefaultSectionSetting. */
gboolean umk_args_only_in_default_section_locked (UmkArgs *a, const char *section,
                                                  const char *name);
/* Returns: FALSE when name is NETWORK_ONLY and a chain other than main is
 * selected, so its top-section config values are ignored. */
gboolean umk_args_use_default_section_locked (UmkArgs *a, const char *name);

/* The getters of args.h, with the lock held. */
char *umk_args_get_string_locked (UmkArgs *a, const char *arg);
gboolean umk_args_get_bool_locked (UmkArgs *a, const char *arg, gboolean def);
gboolean umk_args_is_set_locked (UmkArgs *a, const char *arg);
char *umk_args_get_path_locked (UmkArgs *a, const char *arg, const char *def);

/* ---- Keys and values as written by the user (args-parse.c) -------------- */

typedef struct
{
  char *section; /* NULL when there was no "section." prefix */
  char *name;
  gboolean negated;
} KeyInfo;

/* Core's InterpretKey: "section.noname" -> section, name, negated. */
KeyInfo umk_interpret_key (const char *key);
void umk_key_info_clear (KeyInfo *k);
/* Core's InterpretValue. value is NULL for a bare "-name".
 * Returns: the setting, or NULL with error. */
JsonNode *umk_interpret_value (const KeyInfo *k, const char *value, unsigned flags, GError **error);

/* ---- Chain and data directory (args-datadir.c) -------------------------- */

/* umk_chain_from_name() for a name that may be NULL, with an optional out. */
gboolean umk_args_chain_lookup (const char *name, UmkChain *out);
/* Returns: the chain name (known or as given with -chain), or NULL with error. */
char *umk_args_get_chain_name_locked (UmkArgs *a, GError **error);
/* Core's GetDataDir: NULL when -datadir is given but is not a directory. */
char *umk_args_get_datadir_locked (UmkArgs *a, gboolean net_specific);
gboolean umk_args_check_datadir_option_locked (UmkArgs *a);
/* Returns: base / path, where an absolute path stands alone and a NULL base is "". */
char *umk_args_join_path (const char *base, const char *path);

/* ---- Config files (args-config.c) --------------------------------------- */

/* Core's ReadConfigFiles. *raw_error tells errors Core raises as exceptions
 * (chain combination), which its InitConfig shows without the "Error reading
 * configuration file: " prefix. */
gboolean umk_args_read_config_files_locked (UmkArgs *a, gboolean ignore_invalid_keys,
                                            gboolean *raw_error, GError **error);

/* ---- settings.json (args-settings.c) ------------------------------------ */

gboolean umk_args_get_settings_path_locked (UmkArgs *a, gboolean temp, gboolean backup,
                                            char **path);
gboolean umk_args_read_settings_file_locked (UmkArgs *a, GError **error);
gboolean umk_args_write_settings_file_locked (UmkArgs *a, gboolean backup, GError **error);
