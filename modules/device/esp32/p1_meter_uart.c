/*
 * Meter UART for the ESP32 family on the ESP-IDF UART driver: an RX ring buffer of at least 4 KiB
 * (the built-in ECMA-419 serial has only the 128-byte FIFO), 8N1 or 7E1, RX inversion through
 * uart_set_line_inverse, overrun and framing-error counters, and read() into the caller's buffer.
 *
 * Shaped like the SDK's ECMA-419 IO classes: the constructor reads an options object by name
 * ({port, receive, baud, dataBits, parity, stopBits, invertReceive, rxBufferSize, onReadable}).
 * onReadable comes from the driver's event queue: the IDF driver's interrupt fills the ring buffer and
 * queues a UART_DATA event; a small task waits on that queue and posts one message to the XS machine
 * (modMessagePostToMachine with no payload copies a fixed record into the machine's queue: no heap
 * allocation), and only while no earlier message is still waiting, so a burst costs one callback.
 */

#include "xsmc.h"
#include "xsHost.h"
#include "mc.xs.h"
#include "builtinCommon.h"

#include "driver/uart.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"

#define kMinRxBuffer (4096)
#define kEventQueueLength (32)
#define kTaskStackBytes (2048)

typedef struct {
	xsSlot			obj;
	xsMachine		*the;
	xsSlot			*onReadable;
	uart_port_t		port;
	int				receive;
	QueueHandle_t	events;
	TaskHandle_t	task;
	uint32_t		overruns;
	uint32_t		framingErrors;
	/* 1 while a readable message is in the machine's queue; set by the task, cleared on the JS thread */
	uint8_t			posted;
	/* the object's reference plus one per message in flight; the record is freed when it reaches 0 */
	uint8_t			useCount;
} MeterUartRecord, *MeterUart;

static void meterUartMark(xsMachine *the, void *it, xsMarkRoot markRoot);
void xs_p1uart_destructor(void *data);

static const xsHostHooks ICACHE_RODATA_ATTR xsMeterUartHooks = {
	xs_p1uart_destructor,
	meterUartMark,
	NULL
};

static void release(MeterUart uart)
{
	if (0 == __atomic_sub_fetch(&uart->useCount, 1, __ATOMIC_SEQ_CST))
		c_free(uart);
}

/* On the JS thread: one message from the task. */
static void deliver(void *theIn, void *refcon, uint8_t *message, uint16_t messageLength)
{
	xsMachine *the = theIn;
	MeterUart uart = refcon;
	size_t waiting = 0;

	__atomic_store_n(&uart->posted, 0, __ATOMIC_SEQ_CST);
	if (uart->task) {	/* NULL: closed since the message was posted */
		uart_get_buffered_data_len(uart->port, &waiting);
		if (waiting) {
			xsBeginHost(the);
				xsmcSetInteger(xsResult, (xsIntegerValue)waiting);
				xsCallFunction1(xsReference(uart->onReadable), uart->obj, xsResult);
			xsEndHost(the);
		}
	}
	release(uart);
}

/* Waits on the driver's event queue: counts errors, and tells the JS thread that bytes are waiting. */
static void eventTask(void *arg)
{
	MeterUart uart = arg;
	uart_event_t event;

	for (;;) {
		if (pdTRUE != xQueueReceive(uart->events, &event, portMAX_DELAY))
			continue;
		switch (event.type) {
			case UART_FIFO_OVF:
			case UART_BUFFER_FULL:
				__atomic_add_fetch(&uart->overruns, 1, __ATOMIC_SEQ_CST);
				break;
			case UART_FRAME_ERR:
			case UART_PARITY_ERR:
				__atomic_add_fetch(&uart->framingErrors, 1, __ATOMIC_SEQ_CST);
				break;
			default:
				break;
		}
		/* Data, or a full buffer that JavaScript should drain: one message at a time. */
		if ((UART_DATA == event.type) || (UART_FIFO_OVF == event.type) || (UART_BUFFER_FULL == event.type)) {
			uint8_t expected = 0;
			if (__atomic_compare_exchange_n(&uart->posted, &expected, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
				__atomic_add_fetch(&uart->useCount, 1, __ATOMIC_SEQ_CST);
				if (0 != modMessagePostToMachine(uart->the, NULL, 0, deliver, uart)) {
					__atomic_store_n(&uart->posted, 0, __ATOMIC_SEQ_CST);
					release(uart);
				}
			}
		}
	}
}

/* Stops the task and the driver; the record lives on while a posted message still refers to it. */
static void shutDown(MeterUart uart)
{
	if (uart->task) {
		vTaskDelete(uart->task);	/* before the driver deletes the queue the task waits on */
		uart->task = NULL;
	}
	if (uart->events) {
		uart_driver_delete(uart->port);
		uart->events = NULL;
		builtinFreePin(uart->receive);
	}
}

void xs_p1uart_destructor(void *data)
{
	MeterUart uart = data;
	if (!uart) return;
	shutDown(uart);
	release(uart);
}

static void meterUartMark(xsMachine *the, void *it, xsMarkRoot markRoot)
{
	MeterUart uart = it;
	if (uart->onReadable)
		(*markRoot)(the, uart->onReadable);
}

static int integerOption(xsMachine *the, xsIdentifier id, int fallback)
{
	xsSlot slot;
	if (!xsmcHas(xsArg(0), id))
		return fallback;
	xsmcGet(slot, xsArg(0), id);
	return xsmcToInteger(slot);
}

/* new MeterUart({port, receive, baud, dataBits, parity, stopBits, invertReceive, rxBufferSize, onReadable}) */
void xs_p1uart_constructor(xsMachine *the)
{
	int port, receive, baud, dataBits, stopBits, rxBufferSize;
	uart_parity_t parity = UART_PARITY_DISABLE;
	uint32_t inverseMask = 0;
	uart_config_t config = {0};
	xsSlot *onReadable;
	MeterUart uart;

	xsmcVars(1);
	port = integerOption(the, xsID_port, -1);
	receive = integerOption(the, xsID_receive, -1);
	baud = integerOption(the, xsID_baud, 115200);
	dataBits = integerOption(the, xsID_dataBits, 8);
	stopBits = integerOption(the, xsID_stopBits, 1);
	rxBufferSize = integerOption(the, xsID_rxBufferSize, kMinRxBuffer);
	if (xsmcHas(xsArg(0), xsID_parity)) {
		const char *text;
		xsmcGet(xsVar(0), xsArg(0), xsID_parity);
		text = xsmcToString(xsVar(0));
		if (!c_strcmp(text, "even"))
			parity = UART_PARITY_EVEN;
		else if (!c_strcmp(text, "odd"))
			parity = UART_PARITY_ODD;
		else if (c_strcmp(text, "none"))
			xsRangeError("invalid parity");
	}
	if (xsmcHas(xsArg(0), xsID_invertReceive)) {
		xsmcGet(xsVar(0), xsArg(0), xsID_invertReceive);
		if (xsmcTest(xsVar(0)))
			inverseMask = UART_SIGNAL_RXD_INV;
	}

	if ((port <= 0) || (port >= UART_NUM_MAX))
		xsRangeError("invalid port");		/* UART0 is the console */
	if (receive < 0)
		xsRangeError("invalid receive");
	if ((baud < 300) || (baud > 921600))
		xsRangeError("invalid baud");
	if ((7 != dataBits) && (8 != dataBits))
		xsRangeError("invalid data bits");
	if ((1 != stopBits) && (2 != stopBits))
		xsRangeError("invalid stop bits");
	if (rxBufferSize < kMinRxBuffer)
		rxBufferSize = kMinRxBuffer;
	onReadable = builtinGetCallback(the, xsID_onReadable);
	if (!onReadable)
		xsUnknownError("onReadable required");	/* the error events are counted only by the task it starts */
	if (!builtinIsPinFree(receive))
		xsUnknownError("in use");
	if (uart_is_driver_installed(port))
		xsUnknownError("port in use");

	config.baud_rate = baud;
	config.data_bits = (7 == dataBits) ? UART_DATA_7_BITS : UART_DATA_8_BITS;
	config.parity = parity;
	config.stop_bits = (2 == stopBits) ? UART_STOP_BITS_2 : UART_STOP_BITS_1;
	config.flow_ctrl = UART_HW_FLOWCTRL_DISABLE;
	config.source_clk = UART_SCLK_DEFAULT;

	uart = c_calloc(1, sizeof(MeterUartRecord));
	if (!uart)
		xsUnknownError("no memory");
	uart->port = port;
	uart->receive = receive;
	uart->useCount = 1;

	/* RX ring buffer only: the meter line is receive-only. The event queue carries data, overrun and framing events. */
	if (ESP_OK != uart_driver_install(port, rxBufferSize, 0, kEventQueueLength, &uart->events, 0)) {
		c_free(uart);
		xsUnknownError("uart_driver_install failed");
	}
	if ((ESP_OK != uart_param_config(port, &config)) ||
		(ESP_OK != uart_set_pin(port, UART_PIN_NO_CHANGE, receive, UART_PIN_NO_CHANGE, UART_PIN_NO_CHANGE)) ||
		(ESP_OK != uart_set_line_inverse(port, inverseMask))) {	/* after uart_param_config, which resets the line */
		uart_driver_delete(port);
		c_free(uart);
		xsUnknownError("uart configuration failed");
	}
	builtinUsePin(receive);

	xsmcSetHostData(xsThis, uart);
	xsSetHostHooks(xsThis, (xsHostHooks *)&xsMeterUartHooks);
	uart->obj = xsThis;
	uart->the = the;
	uart->onReadable = onReadable;
	/* On the JavaScript task's core: when close() deletes it, it cannot be running on the other core. */
	if (pdPASS != xTaskCreatePinnedToCore(eventTask, "p1uart", kTaskStackBytes, uart, tskIDLE_PRIORITY + 1, &uart->task, xPortGetCoreID())) {
		uart->task = NULL;
		xsUnknownError("no memory for the UART task");	/* the destructor releases the driver */
	}
}

/* read(buffer) → count copied to the start of buffer; allocates nothing */
void xs_p1uart_read(xsMachine *the)
{
	MeterUart uart = xsmcGetHostDataValidate(xsThis, (void *)&xsMeterUartHooks);
	void *data;
	xsUnsignedValue byteLength;
	int count;

	xsmcGetBufferWritable(xsArg(0), &data, &byteLength);
	if (0 == byteLength)
		xsUnknownError("invalid");
	if (!uart->events)
		xsUnknownError("closed");
	count = uart_read_bytes(uart->port, data, (uint32_t)byteLength, 0);
	xsmcSetInteger(xsResult, (count > 0) ? count : 0);
}

void xs_p1uart_get_overruns(xsMachine *the)
{
	MeterUart uart = xsmcGetHostDataValidate(xsThis, (void *)&xsMeterUartHooks);
	xsmcSetInteger(xsResult, (xsIntegerValue)__atomic_load_n(&uart->overruns, __ATOMIC_SEQ_CST));
}

void xs_p1uart_get_framing_errors(xsMachine *the)
{
	MeterUart uart = xsmcGetHostDataValidate(xsThis, (void *)&xsMeterUartHooks);
	xsmcSetInteger(xsResult, (xsIntegerValue)__atomic_load_n(&uart->framingErrors, __ATOMIC_SEQ_CST));
}

void xs_p1uart_close(xsMachine *the)
{
	MeterUart uart = xsmcGetHostData(xsThis);
	if (!uart || !xsmcGetHostDataValidate(xsThis, (void *)&xsMeterUartHooks))
		return;
	xs_p1uart_destructor(uart);
	xsmcSetHostData(xsThis, NULL);
	xsmcSetHostDestructor(xsThis, NULL);
}
