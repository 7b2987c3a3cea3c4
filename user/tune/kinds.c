// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Every knob kind, by its journal name and letter. */
#include "kind.h"

#include <string.h>

const struct knob_kind *const knob_kinds[] = {
	&kind_file, &kind_created, &kind_sched, &kind_affinity, &kind_netdev,
};
const size_t knob_nkinds = sizeof(knob_kinds) / sizeof(knob_kinds[0]);

const struct knob_kind *knob_kind_by_name(const char *name)
{
	for (size_t i = 0; i < knob_nkinds; i++)
		if (!strcmp(knob_kinds[i]->name, name))
			return knob_kinds[i];
	return NULL;
}

const struct knob_kind *knob_kind_by_letter(char letter)
{
	for (size_t i = 0; i < knob_nkinds; i++)
		if (knob_kinds[i]->letter == letter)
			return knob_kinds[i];
	return NULL;
}
