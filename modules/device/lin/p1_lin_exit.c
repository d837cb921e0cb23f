/*
 * The Linux simulator's "restart": the process ends with the given status and whoever runs it
 * (the end-to-end harness, standing in for the bootloader) starts it again.
 */

#include <stdlib.h>
#include "xsmc.h"

void xs_p1lin_exit(xsMachine *the)
{
	exit(xsmcToInteger(xsArg(0)));
}
