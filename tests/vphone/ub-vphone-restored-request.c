/* ub-vphone-restored-request.c — one data request of the virtual restored, and its answer
 *
 * A request goes out on the main connection, with a DataPort when its step
 * says so: a fresh port number put into usbmuxd's table for this one
 * answer (the ASR service for SystemImageData, else a
 * UbVphoneDataport), taken out again when the answer is in. The answer
 * must come where the phone asked for it (an answer on the main
 * connection to a request with a DataPort is refused), and every answer
 * is checked and recorded, one line each:
 *   "restored answer KernelCache ok img4 N bytes"
 *   "restored answer NORData failed: PROBLEM"
 * Image lists ask for each image next; SourceBootObjectV4 streams FileData
 * chunks of at most 8192 bytes ending in FileDataDone (size and SHA-256
 * recorded); when the first chunk starts with "AEA1" the phone asks for
 * the image's key (URLAsset) on that same connection and needs the answer
 * before FileDataDone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-restored"

#include "config.h"

#include <string.h>

#include "ub-vphone-restore-firmware.h"
#include "ub-vphone-restored-private.h"

#define FIRST_DATA_PORT  49152
#define LAST_DATA_PORT   60999
#define MAX_FILE_CHUNK   8192

struct _UbVphoneRestoredRequest
{
  UbVphoneRestoredScript *script;
  char                   *data_type;
  plist_t                 arguments;   /* a copy, or NULL */
  UbVphoneAnswerKind      kind;
  guint16                 port;        /* 0: the main connection */
  UbVphoneDataport       *dataport;    /* NULL for ASR and the main connection */
  gboolean                async;
  GChecksum              *sha256;      /* streams */
  guint64                 size;
  guint                   chunks;
  gboolean                key_asked;
  gboolean                key_answered;
};

static guint16 next_port = FIRST_DATA_PORT;

static const struct
{
  const char *data_type;
  const char *list_key;
  const char *data_key;
} lists[] = {
  { "PersonalizedData", "ImageList", "ImageData" },
  { "FUDData", "FUDImageList", "FUDImageData" },
  { "EANData", "EANImageList", "EANData" },
};

static guint
list_index (const char *data_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    if (g_str_equal (lists[i].data_type, data_type))
      return i;
  return G_N_ELEMENTS (lists);
}

static gboolean
argument_is_true (plist_t     arguments,
                  const char *key)
{
  plist_t node = arguments ? plist_dict_get_item (arguments, key) : NULL;
  uint8_t value = 0;

  if (node != NULL && plist_get_node_type (node) == PLIST_BOOLEAN)
    plist_get_bool_val (node, &value);
  return value != 0;
}

static const char *
argument_string (plist_t     arguments,
                 const char *key)
{
  plist_t node = arguments ? plist_dict_get_item (arguments, key) : NULL;

  return node != NULL && plist_get_node_type (node) == PLIST_STRING ? plist_get_string_ptr (node, NULL) : NULL;
}

static UbVphoneAnswerKind
answer_kind (const UbVphoneRestoredStep *step,
             plist_t                     arguments)
{
  if (step->unchecked)
    return UB_VPHONE_ANSWER_UNCHECKED;
  if (g_str_equal (step->data_type, "SystemImageData"))
    return UB_VPHONE_ANSWER_ASR;
  if (g_str_equal (step->data_type, "SourceBootObjectV4"))
    return UB_VPHONE_ANSWER_STREAM;
  if (list_index (step->data_type) < G_N_ELEMENTS (lists))
    return argument_is_true (arguments, "ImageList") ? UB_VPHONE_ANSWER_LIST : UB_VPHONE_ANSWER_IMAGE;
  return UB_VPHONE_ANSWER_PLAIN;
}

typedef struct
{
  UbVphoneUsbmuxd *usbmuxd;
  guint16          port;
} ForgetPort;

static gboolean
on_forget_port (gpointer data)
{
  ForgetPort *forget = data;

  ub_vphone_usbmuxd_set_service (forget->usbmuxd, forget->port, NULL);
  g_object_unref (forget->usbmuxd);
  g_free (forget);
  return G_SOURCE_REMOVE;
}

/* Takes the port out of usbmuxd's table from an idle callback: the request
 * may end while usbmuxd walks that table (the phone leaving usbmuxd closes
 * every service, restored's scripts with them). */
static void
forget_port (UbVphoneUsbmuxd *usbmuxd,
             guint16          port)
{
  ForgetPort *forget = g_new0 (ForgetPort, 1);

  forget->usbmuxd = g_object_ref (usbmuxd);
  forget->port = port;
  g_idle_add (on_forget_port, forget);
}

void
_ub_vphone_restored_request_free (UbVphoneRestoredRequest *request)
{
  if (request == NULL)
    return;
  if (request->dataport != NULL)
    ub_vphone_dataport_close (request->dataport);
  if (request->port != 0)
    forget_port (request->script->usbmuxd, request->port);
  g_clear_object (&request->dataport);
  g_clear_pointer (&request->arguments, plist_free);
  g_clear_pointer (&request->sha256, g_checksum_free);
  g_free (request->data_type);
  g_free (request);
}

gboolean
_ub_vphone_restored_request_has_port (UbVphoneRestoredRequest *request)
{
  return request->port != 0;
}

/* The answer is in: go on, or end the restore */
static void
finish (UbVphoneRestoredRequest *request,
        const char              *problem)
{
  UbVphoneRestoredScript *script = request->script;

  if (problem != NULL)
    {
      g_autofree char *data_type = g_strdup (request->data_type);

      _ub_vphone_restored_script_fail (script, data_type, problem);
      return;
    }
  g_debug ("request for %s answered", request->data_type);
  if (request == script->current)
    {
      script->current = NULL;
      _ub_vphone_restored_request_free (request);
      _ub_vphone_restored_script_resume (script);
      return;
    }
  g_ptr_array_remove (script->pending, request);
  if (script->joining && script->pending->len == 0)
    {
      script->joining = FALSE;
      _ub_vphone_restored_script_resume (script);
    }
}

static void
record_ok (UbVphoneRestoredRequest *request,
           const char              *data_type,
           const char              *summary)
{
  ub_vphone_recorder_log (request->script->recorder, "restored answer %s ok %s", data_type, summary);
}

/* A list answer: the phone asks for each image next, in order */
static const char *
take_list (UbVphoneRestoredRequest *request,
           plist_t                  reply)
{
  guint i = list_index (request->data_type);
  g_auto(GStrv) names = ub_vphone_restored_check_take_list (reply, lists[i].list_key);
  const char *image_type = argument_string (request->arguments, "ImageType");
  g_autofree char *summary = NULL;

  if (names == NULL)
    return "no list of image names";
  for (guint n = g_strv_length (names); n > 0; n--)
    {
      plist_t arguments = plist_new_dict ();

      plist_dict_set_item (arguments, "ImageName", plist_new_string (names[n - 1]));
      if (image_type != NULL)
        plist_dict_set_item (arguments, "ImageType", plist_new_string (image_type));
      g_queue_push_head (&request->script->steps,
                         ub_vphone_restored_step_request (request->data_type, arguments, TRUE, FALSE));
    }
  summary = g_strdup_printf ("list of %u images", g_strv_length (names));
  record_ok (request, request->data_type, summary);
  return NULL;
}

static char *
take_image (UbVphoneRestoredRequest *request,
            plist_t                  reply)
{
  guint i = list_index (request->data_type);
  const char *name = argument_string (request->arguments, "ImageName");
  const char *echoed = argument_string (reply, "ImageName");
  char *problem = NULL;
  gsize size = 0;

  if (echoed != NULL && g_strcmp0 (echoed, name) != 0)
    return g_strdup_printf ("image %s answered for %s", echoed, name);
  if (plist_get_node_type (reply) != PLIST_DICT || plist_dict_get_item (reply, lists[i].data_key) == NULL)
    return g_strdup_printf ("no %s", lists[i].data_key);
  if (!ub_vphone_restored_check_img4 (request->script->check, plist_dict_get_item (reply, lists[i].data_key),
                                      NULL, &size, &problem))
    return problem;
  ub_vphone_recorder_log (request->script->recorder, "restored answer %s ok %s img4 %" G_GSIZE_FORMAT " bytes",
                          request->data_type, name, size);
  return NULL;
}

/* The phone asks for the image key on the boot object's own connection */
static void
ask_key (UbVphoneRestoredRequest *request)
{
  plist_t message = ub_vphone_restored_msg_new ("DataRequestMsg");
  plist_t arguments = plist_new_dict ();

  plist_dict_set_item (arguments, "RequestURL", plist_new_string (request->script->url_asset));
  plist_dict_set_item (arguments, "RequestMethod", plist_new_string ("GET"));
  plist_dict_set_item (message, "DataType", plist_new_string ("URLAsset"));
  plist_dict_set_item (message, "Arguments", arguments);
  ub_vphone_recorder_log (request->script->recorder, "restored asks URLAsset on the %s connection",
                          request->data_type);
  ub_vphone_dataport_send (request->dataport, message);
  plist_free (message);
  request->key_asked = TRUE;
}

static char *
take_key (UbVphoneRestoredRequest *request,
          plist_t                  reply)
{
  g_autofree char *summary = NULL;
  char *problem = NULL;

  if (!request->key_asked || request->key_answered)
    return g_strdup ("a URLAsset answer nobody asked for");
  if (!ub_vphone_restored_check_answer (request->script->check, "URLAsset", NULL, reply, &summary, &problem))
    return problem;
  record_ok (request, "URLAsset", summary);
  request->key_answered = TRUE;
  return NULL;
}

static char *
take_chunk (UbVphoneRestoredRequest *request,
            plist_t                  data)
{
  uint64_t len = 0;
  const char *bytes = plist_get_data_ptr (data, &len);

  if (len == 0 || len > MAX_FILE_CHUNK)
    return g_strdup_printf ("a FileData chunk of %" G_GUINT64_FORMAT " bytes", (guint64) len);
  if (request->sha256 == NULL)
    request->sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (request->sha256, (const guchar *) bytes, (gssize) len);
  request->size += len;
  if (++request->chunks == 1 && len >= 4 && memcmp (bytes, "AEA1", 4) == 0)
    ask_key (request);
  return NULL;
}

/* One message of a boot object stream; TRUE when the stream is complete */
static char *
take_stream (UbVphoneRestoredRequest *request,
             plist_t                  message,
             gboolean                *done)
{
  plist_t data = plist_get_node_type (message) == PLIST_DICT ? plist_dict_get_item (message, "FileData") : NULL;
  g_autofree char *summary = NULL;

  *done = FALSE;
  if (plist_get_node_type (message) == PLIST_DICT && plist_dict_get_item (message, "ResponseStatus") != NULL)
    return take_key (request, message);
  if (data != NULL && plist_get_node_type (data) == PLIST_DATA)
    return take_chunk (request, data);
  if (!argument_is_true (message, "FileDataDone"))
    return g_strdup ("neither FileData nor FileDataDone");
  if (request->chunks == 0)
    return g_strdup ("FileDataDone without any FileData");
  if (request->key_asked && !request->key_answered)
    return g_strdup ("the image key request got no answer");
  summary = g_strdup_printf ("stream %" G_GUINT64_FORMAT " bytes in %u chunks sha256 %s%s", request->size,
                             request->chunks, g_checksum_get_string (request->sha256),
                             request->key_asked ? " with key" : "");
  record_ok (request, request->data_type, summary);
  *done = TRUE;
  return NULL;
}

/* BasebandData (round 1 when the request carries the modem's nonce) and
 * FirmwareUpdaterData, through the firmware steps' own checks */
static char *
take_firmware (UbVphoneRestoredRequest *request,
               plist_t                  message)
{
  UbVphoneIdentity *identity = request->script->identity;
  plist_t nonce = request->arguments ? plist_dict_get_item (request->arguments, "Nonce") : NULL;
  const char *name = argument_string (request->arguments, "MessageArgUpdaterName");
  g_autofree char *summary = NULL;
  char *problem = NULL;
  guint round = nonce != NULL ? 1 : 0;

  if (plist_get_node_type (message) != PLIST_DICT)
    return g_strdup ("the answer is not a dictionary");
  if (g_str_equal (request->data_type, "BasebandData"))
    {
      if (!ub_vphone_baseband_check (identity, round, message, &problem))
        return problem ? problem : g_strdup ("refused");
      summary = g_strdup_printf ("baseband round %u", round);
    }
  else
    {
      if (name == NULL)
        return g_strdup ("the request names no updater");
      if (!ub_vphone_updater_check (identity, name, message, &problem))
        return problem ? problem : g_strdup ("refused");
      summary = g_strdup_printf ("updater %s", name);
    }
  record_ok (request, request->data_type, summary);
  return NULL;
}

static char *
take_plain (UbVphoneRestoredRequest *request,
            plist_t                  message)
{
  g_autofree char *summary = NULL;
  char *problem = NULL;

  if (g_str_equal (request->data_type, "BasebandData") || g_str_equal (request->data_type, "FirmwareUpdaterData"))
    return take_firmware (request, message);
  if (!ub_vphone_restored_check_answer (request->script->check, request->data_type, request->arguments,
                                        message, &summary, &problem))
    return problem;
  record_ok (request, request->data_type, summary);
  return NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static char *
sorted_keys (plist_t dict)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  plist_dict_iter iter = NULL;
  char *key = NULL;
  plist_t value;

  if (plist_get_node_type (dict) != PLIST_DICT)
    return g_strdup ("");
  plist_dict_new_iter (dict, &iter);
  for (plist_dict_next_item (dict, iter, &key, &value); key != NULL;
       plist_dict_next_item (dict, iter, &key, &value))
    g_ptr_array_add (keys, g_steal_pointer (&key));
  g_free (iter);
  g_ptr_array_sort (keys, compare_strings);
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (",", (char **) keys->pdata);
}

/**
 * _ub_vphone_restored_request_take:
 * @on_dataport: it came on the request's DataPort (else: the main connection)
 *
 * Checks a message the host sent for @request.
 */
void
_ub_vphone_restored_request_take (UbVphoneRestoredRequest *request,
                                  plist_t                  message,
                                  gboolean                 on_dataport)
{
  g_autofree char *problem = NULL;
  g_autofree char *keys = NULL;
  gboolean done = TRUE;

  if (!on_dataport && request->port != 0)
    problem = g_strdup_printf ("answered on the main connection, not on DataPort %u", request->port);
  else switch (request->kind)
    {
    case UB_VPHONE_ANSWER_LIST:
      problem = g_strdup (take_list (request, message));
      break;
    case UB_VPHONE_ANSWER_IMAGE:
      problem = take_image (request, message);
      break;
    case UB_VPHONE_ANSWER_STREAM:
      problem = take_stream (request, message, &done);
      break;
    case UB_VPHONE_ANSWER_UNCHECKED:
      keys = sorted_keys (message);
      ub_vphone_recorder_log (request->script->recorder, "restored data %s answered %s", request->data_type, keys);
      break;
    case UB_VPHONE_ANSWER_ASR:
      problem = g_strdup ("a message for the system image, which comes through ASR");
      break;
    case UB_VPHONE_ANSWER_PLAIN:
    default:
      problem = take_plain (request, message);
      break;
    }
  if (problem != NULL || done)
    finish (request, problem);
}

static void
on_dataport_message (UbVphoneDataport *port,
                     plist_t           message,
                     gpointer          data)
{
  _ub_vphone_restored_request_take (data, message, TRUE);
}

/* ASR told how the system image went */
void
_ub_vphone_restored_request_asr_done (UbVphoneRestoredScript *script,
                                      gboolean                ok,
                                      const char             *text)
{
  UbVphoneRestoredRequest *request = script->current;
  g_autofree char *problem = NULL;

  if (request == NULL || request->kind != UB_VPHONE_ANSWER_ASR)
    {
      ub_vphone_recorder_log (script->recorder, "restored ASR transfer nobody asked for: %s", text);
      return;
    }
  if (ok)
    ub_vphone_recorder_log (script->recorder, "restored answer SystemImageData ok asr %s", text);
  else
    problem = g_strdup_printf ("ASR: %s", text);
  finish (request, problem);
}

static guint16
take_port (void)
{
  guint16 port = next_port;

  next_port = next_port >= LAST_DATA_PORT ? FIRST_DATA_PORT : next_port + 1;
  return port;
}

/* Opens the request's DataPort and names it in the message */
static void
open_port (UbVphoneRestoredRequest *request,
           plist_t                  message)
{
  UbVphoneRestoredScript *script = request->script;

  request->port = take_port ();
  if (request->kind == UB_VPHONE_ANSWER_ASR)
    ub_vphone_usbmuxd_set_service (script->usbmuxd, request->port, UB_VPHONE_SERVICE (script->asr));
  else
    {
      request->dataport = ub_vphone_dataport_new (request->port, on_dataport_message, request);
      ub_vphone_usbmuxd_set_service (script->usbmuxd, request->port, UB_VPHONE_SERVICE (request->dataport));
    }
  plist_dict_set_item (message, "DataPort", plist_new_uint (request->port));
}

/**
 * _ub_vphone_restored_request_start:
 *
 * Sends the request of @step; a synchronous one becomes the script's
 * current request, an async one joins the pending ones.
 */
void
_ub_vphone_restored_request_start (UbVphoneRestoredScript *script,
                                   UbVphoneRestoredStep   *step)
{
  UbVphoneRestoredRequest *request = g_new0 (UbVphoneRestoredRequest, 1);
  plist_t arguments = plist_dict_get_item (step->message, "Arguments");

  request->script = script;
  request->data_type = g_strdup (step->data_type);
  request->arguments = arguments ? plist_copy (arguments) : NULL;
  request->kind = answer_kind (step, arguments);
  request->async = step->async;
  if (step->dataport)
    open_port (request, step->message);
  g_debug ("asking for %s (DataPort %u)", step->data_type, request->port);
  ub_vphone_recorder_log (script->recorder, "restored asks %s%s%s", step->data_type,
                          step->async ? " async" : "", request->port != 0 ? " on a DataPort" : "");
  if (step->async)
    g_ptr_array_add (script->pending, request);
  else
    script->current = request;
  ub_vphone_plist_conn_send (script->conn, 0, step->message);
}
