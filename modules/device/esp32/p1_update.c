/*
 * The ESP-IDF calls the update's probation needs and the SDK's `ota` module does not offer: the running
 * image's app descriptor version and OTA state, the next slot's size, mark valid, and mark invalid with
 * a restart into the previous image (the bootloader's rollback, CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE).
 */

#include "xsmc.h"
#include "xsHost.h"

#include "esp_app_desc.h"
#include "app_update/include/esp_ota_ops.h"	// as the SDK's ota.c includes it
#include "esp_system.h"

void xs_p1update_running_version(xsMachine *the)
{
	const esp_app_desc_t *desc = esp_app_get_description();
	char version[sizeof(desc->version) + 1];
	c_memcpy(version, desc->version, sizeof(desc->version));
	version[sizeof(desc->version)] = 0;
	xsmcSetString(xsResult, version);
}

/* esp_ota_img_states_t of the running image, or -1 when it has none (factory image, no otadata). */
void xs_p1update_running_state(xsMachine *the)
{
	esp_ota_img_states_t state;
	const esp_partition_t *running = esp_ota_get_running_partition();
	if (!running || (ESP_OK != esp_ota_get_state_partition(running, &state))) {
		xsmcSetInteger(xsResult, -1);
		return;
	}
	xsmcSetInteger(xsResult, (int)state);
}

void xs_p1update_next_slot_size(xsMachine *the)
{
	const esp_partition_t *next = esp_ota_get_next_update_partition(NULL);
	xsmcSetInteger(xsResult, next ? (xsIntegerValue)next->size : 0);
}

void xs_p1update_mark_valid(xsMachine *the)
{
	esp_err_t err = esp_ota_mark_app_valid_cancel_rollback();
	if (ESP_OK != err)
		xsUnknownError("mark valid failed: %s", esp_err_to_name(err));
}

/* Returns only when there is no image to go back to. */
void xs_p1update_rollback(xsMachine *the)
{
	esp_err_t err = esp_ota_mark_app_invalid_rollback_and_reboot();
	xsUnknownError("rollback failed: %s", esp_err_to_name(err));
}

void xs_p1update_restart(xsMachine *the)
{
	esp_restart();
}
