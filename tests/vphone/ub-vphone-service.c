/* ub-vphone-service.c — something listening on a port of the phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-service"

#include "config.h"

#include "ub-vphone-service.h"

G_DEFINE_INTERFACE (UbVphoneService, ub_vphone_service, G_TYPE_OBJECT)

static void
ub_vphone_service_default_init (UbVphoneServiceInterface *iface)
{
}

/**
 * ub_vphone_service_accept:
 * @stream: the host's connection, now carrying the service's protocol
 */
void
ub_vphone_service_accept (UbVphoneService *self,
                          GIOStream       *stream)
{
  g_return_if_fail (UB_IS_VPHONE_SERVICE (self));
  g_return_if_fail (G_IS_IO_STREAM (stream));

  UB_VPHONE_SERVICE_GET_IFACE (self)->accept (self, stream);
}

/**
 * ub_vphone_service_close_all:
 *
 * The phone went away: every connection to the service ends.
 */
void
ub_vphone_service_close_all (UbVphoneService *self)
{
  g_return_if_fail (UB_IS_VPHONE_SERVICE (self));

  UB_VPHONE_SERVICE_GET_IFACE (self)->close_all (self);
}
