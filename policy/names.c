/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * names.c - the words the policy language uses for access kinds, actions
 * and modes.
 */
#include <string.h>

#include "names.h"

const char *const stk_access_words[STK_FACC_COUNT] = {
	[STK_FACC_READ] = "read",     [STK_FACC_WRITE] = "write",   [STK_FACC_CREATE] = "create",
	[STK_FACC_DELETE] = "delete", [STK_FACC_RENAME] = "rename", [STK_FACC_LINK] = "link",
	[STK_FACC_ATTR] = "attr",     [STK_FACC_EXEC] = "exec",
};

const char *const stk_action_words[STK_N_ACTION_WORDS] = { "allow", "audit", "deny" };

const char *const stk_mode_words[STK_N_MODE_WORDS] = { "enforce", "complain" };

static int lookup(const char *const *words, size_t n, const char *name)
{
	size_t i;

	if (!name)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(words[i], name) == 0)
			return (int)i;
	return -1;
}

int stk_file_access_from_name(const char *name)
{
	return lookup(stk_access_words, STK_FACC_COUNT, name);
}

const char *stk_file_access_name(enum stk_file_access a)
{
	return (unsigned int)a < STK_FACC_COUNT ? stk_access_words[a] : NULL;
}

int stk_action_from_name(const char *name)
{
	/* "none" is how a table says "nothing here", not a word of the language. */
	int i = lookup(stk_action_words, STK_N_ACTION_WORDS, name);

	return i < 0 ? -1 : i + STK_ACT_ALLOW;
}

const char *stk_action_name(enum stk_action a)
{
	if (a == STK_ACT_NONE)
		return "none";
	if (a >= STK_ACT_ALLOW && a <= STK_ACT_DENY)
		return stk_action_words[a - STK_ACT_ALLOW];
	return NULL;
}

int stk_mode_from_name(const char *name)
{
	int i = lookup(stk_mode_words, STK_N_MODE_WORDS, name);

	return i < 0 ? -1 : i + STK_MODE_ENFORCE;
}

const char *stk_mode_name(enum stk_mode m)
{
	if (m == STK_MODE_INHERIT)
		return "inherit";
	if (m >= STK_MODE_ENFORCE && m <= STK_MODE_COMPLAIN)
		return stk_mode_words[m - STK_MODE_ENFORCE];
	return NULL;
}
