/* ub-fdr-wire.c — what the phone's FDR relay sends, checked before use
 *
 * The phone is untrusted: a proxy request must be exactly
 * 00 03 <host length> <host> <port, big endian>, with a host of printable
 * ASCII; a control or connection answer is a dictionary parsed by the
 * untrusted plist parser (ub-plist.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-fdr"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-fdr.h"
#include "ub-fdr-private.h"
#include "ub-plist.h"

static gboolean
set_bad_request (GError     **error,
                 const char  *why)
{
  g_debug ("FDR proxy request refused: %s", why);
  /* TRANSLATORS: the phone's factory-data relay asked for something odd */
  g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                       _("The iPhone asked to relay a connection in a way Unbrick does not understand."));
  return FALSE;
}

gboolean
ub_fdr_parse_request (const guint8  *data,
                      gsize          len,
                      char         **host,
                      guint16       *port,
                      GError       **error)
{
  gsize host_len;

  g_return_val_if_fail (host != NULL && port != NULL, FALSE);

  if (len < UB_FDR_REQUEST_HEAD)
    return set_bad_request (error, "too short");
  if (data[0] != 0 || data[1] != 3)
    return set_bad_request (error, "not a host-name request");
  host_len = data[2];
  if (host_len == 0)
    return set_bad_request (error, "empty host name");
  if (len != UB_FDR_REQUEST_HEAD + host_len + 2)
    return set_bad_request (error, "length does not match the host name");
  for (gsize i = 0; i < host_len; i++)
    if (data[3 + i] <= 0x20 || data[3 + i] >= 0x7f)
      return set_bad_request (error, "host name is not printable ASCII");
  *port = (guint16)((data[3 + host_len] << 8) | data[4 + host_len]);
  if (*port == 0)
    return set_bad_request (error, "port 0");
  *host = g_strndup ((const char *)data + 3, host_len);
  return TRUE;
}

/* A framed answer's body: a dictionary, or NULL with @error set */
plist_t
_ub_fdr_parse_dict (const guint8  *data,
                    gsize          len,
                    GError       **error)
{
  plist_t dict = len > 0 ? ub_plist_parse_untrusted (data, len, error) : NULL;

  if (dict != NULL && plist_get_node_type (dict) != PLIST_DICT)
    {
      plist_free (dict);
      dict = NULL;
    }
  if (dict == NULL)
    {
      g_clear_error (error);
      _ub_fdr_set_protocol_error (error);
    }
  return dict;
}

gboolean
_ub_fdr_set_protocol_error (GError **error)
{
  /* TRANSLATORS: the phone's factory-data relay sent something unreadable */
  g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                       _("The iPhone’s factory-data relay sent a message Unbrick cannot read."));
  return FALSE;
}

/* {ConnPort: 1…65535} → the port, or 0 with @error set */
guint16
_ub_fdr_parse_conn_port (plist_t   dict,
                         GError  **error)
{
  plist_t node = plist_dict_get_item (dict, "ConnPort");
  uint64_t port = 0;

  if (node != NULL && plist_get_node_type (node) == PLIST_UINT)
    plist_get_uint_val (node, &port);
  if (port == 0 || port > G_MAXUINT16)
    {
      /* TRANSLATORS: the phone's factory-data relay did not say where to connect */
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("The iPhone’s factory-data relay did not give a port to connect to."));
      return 0;
    }
  return (guint16)port;
}

/* @dict's Command is @command */
gboolean
_ub_fdr_is_command (plist_t     dict,
                    const char *command)
{
  plist_t node = plist_dict_get_item (dict, "Command");
  const char *value = NULL;

  if (node == NULL || plist_get_node_type (node) != PLIST_STRING)
    return FALSE;
  value = plist_get_string_ptr (node, NULL);
  return value != NULL && g_str_equal (value, command);
}
