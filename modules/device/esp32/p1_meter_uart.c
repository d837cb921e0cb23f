/*
 * Meter UART for the ESP32 family on the ESP-IDF UART driver: an RX ring buffer of at least 4 KiB
 * (the built-in ECMA-419 serial has only the 128-byte FIFO), 8N1 or 7E1, RX inversion through
 * uart_set_line_inverse, overrun and framing-error counters, and read() into the caller's buffer.
 * JavaScript polls: the driver's interrupt fills the ring buffer while JavaScript is busy.
 */

#include "xsmc.h"
#include "xsHost.h"
#include "builtinCommon.h"

#include "driver/uart.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"

#define kMinRxBuffer (4096)
#define kEventQueueLength (32)

typedef struct {
	uart_port_t		port;
	int				receive;
	QueueHandle_t	events;
	uint32_t		overruns;
	uint32_t		framingErrors;
} MeterUartRecord, *MeterUart;

void xs_p1uart_destructor(void *data)
{
	MeterUart uart = data;
	if (!uart) return;
	uart_driver_delete(uart->port);
	builtinFreePin(uart->receive);
	c_free(uart);
}

/* open(port, receive, baud, dataBits, parity, stopBits, inverseMask, rxBufferSize) */
void xs_p1uart_open(xsMachine *the)
{
	int port = xsmcToInteger(xsArg(0));
	int receive = xsmcToInteger(xsArg(1));
	int baud = xsmcToInteger(xsArg(2));
	int dataBits = xsmcToInteger(xsArg(3));
	int parity = xsmcToInteger(xsArg(4));
	int stopBits = xsmcToInteger(xsArg(5));
	uint32_t inverseMask = (uint32_t)xsmcToInteger(xsArg(6));
	int rxBufferSize = xsmcToInteger(xsArg(7));
	uart_config_t config = {0};
	MeterUart uart;

	if ((port <= 0) || (port >= UART_NUM_MAX))
		xsRangeError("invalid port");		/* UART0 is the console */
	if ((baud < 300) || (baud > 921600))
		xsRangeError("invalid baud");
	if ((7 != dataBits) && (8 != dataBits))
		xsRangeError("invalid data bits");
	if ((UART_PARITY_DISABLE != parity) && (UART_PARITY_EVEN != parity) && (UART_PARITY_ODD != parity))
		xsRangeError("invalid parity");
	if ((1 != stopBits) && (2 != stopBits))
		xsRangeError("invalid stop bits");
	if (inverseMask & ~(uint32_t)UART_SIGNAL_RXD_INV)
		xsRangeError("only RX inversion is supported");
	if (rxBufferSize < kMinRxBuffer)
		rxBufferSize = kMinRxBuffer;
	if (!builtinIsPinFree(receive))
		xsUnknownError("in use");
	if (uart_is_driver_installed(port))
		xsUnknownError("port in use");

	config.baud_rate = baud;
	config.data_bits = (7 == dataBits) ? UART_DATA_7_BITS : UART_DATA_8_BITS;
	config.parity = (uart_parity_t)parity;
	config.stop_bits = (2 == stopBits) ? UART_STOP_BITS_2 : UART_STOP_BITS_1;
	config.flow_ctrl = UART_HW_FLOWCTRL_DISABLE;
	config.source_clk = UART_SCLK_DEFAULT;

	uart = c_calloc(1, sizeof(MeterUartRecord));
	if (!uart)
		xsUnknownError("no memory");
	uart->port = port;
	uart->receive = receive;

	/* RX ring buffer only: the meter line is receive-only. The event queue carries overrun and framing errors. */
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
}

/* Counts the driver's error events; called from the JavaScript thread, never blocks. */
static void drainEvents(MeterUart uart)
{
	uart_event_t event;
	while (pdTRUE == xQueueReceive(uart->events, &event, 0)) {
		switch (event.type) {
			case UART_FIFO_OVF:
			case UART_BUFFER_FULL:
				uart->overruns += 1;
				break;
			case UART_FRAME_ERR:
			case UART_PARITY_ERR:
				uart->framingErrors += 1;
				break;
			default:
				break;
		}
	}
}

/* poll() → bytes waiting in the ring buffer */
void xs_p1uart_poll(xsMachine *the)
{
	MeterUart uart = xsmcGetHostDataValidate(xsThis, (void *)xs_p1uart_destructor);
	size_t waiting = 0;
	drainEvents(uart);
	uart_get_buffered_data_len(uart->port, &waiting);
	xsmcSetInteger(xsResult, (xsIntegerValue)waiting);
}

/* read(buffer) → count copied to the start of buffer; allocates nothing */
void xs_p1uart_read(xsMachine *the)
{
	MeterUart uart = xsmcGetHostDataValidate(xsThis, (void *)xs_p1uart_destructor);
	void *data;
	xsUnsignedValue byteLength;
	int count;

	xsmcGetBufferWritable(xsArg(0), &data, &byteLength);
	if (0 == byteLength)
		xsUnknownError("invalid");
	count = uart_read_bytes(uart->port, data, (uint32_t)byteLength, 0);
	xsmcSetInteger(xsResult, (count > 0) ? count : 0);
}

void xs_p1uart_get_overruns(xsMachine *the)
{
	MeterUart uart = xsmcGetHostDataValidate(xsThis, (void *)xs_p1uart_destructor);
	xsmcSetInteger(xsResult, (xsIntegerValue)uart->overruns);
}

void xs_p1uart_get_framing_errors(xsMachine *the)
{
	MeterUart uart = xsmcGetHostDataValidate(xsThis, (void *)xs_p1uart_destructor);
	xsmcSetInteger(xsResult, (xsIntegerValue)uart->framingErrors);
}

void xs_p1uart_close(xsMachine *the)
{
	MeterUart uart = xsmcGetHostData(xsThis);
	if (!uart)
		return;
	xs_p1uart_destructor(uart);
	xsmcSetHostData(xsThis, NULL);
	xsmcSetHostDestructor(xsThis, NULL);
}
