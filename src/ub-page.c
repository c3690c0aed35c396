/* ub-page.c — one page of the wizard
 *
 * An abstract AdwBin in the shape of gnome-initial-setup's GisPage: a title,
 * "complete" (may the person go on?), an optional asynchronous "apply" to run
 * before leaving, and shown/hidden hooks. The assistant owns navigation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-page"

#include "config.h"

#include "ub-page.h"

typedef struct
{
  UbRescue     *rescue;
  char         *title;
  char         *next_label;
  gboolean      complete;
  gboolean      applying;
  gboolean      can_go_back;
  gboolean      needed;
  GCancellable *apply_cancellable;
} UbPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (UbPage, ub_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_RESCUE,
  PROP_TITLE,
  PROP_COMPLETE,
  PROP_APPLYING,
  PROP_NEXT_LABEL,
  PROP_CAN_GO_BACK,
  PROP_NEEDED,
  N_PROPS
};

enum {
  APPLY_DONE,
  REQUEST_NEXT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
ub_page_dispose (GObject *object)
{
  UbPagePrivate *priv = ub_page_get_instance_private (UB_PAGE (object));

  if (priv->apply_cancellable != NULL)
    g_cancellable_cancel (priv->apply_cancellable);
  g_clear_object (&priv->apply_cancellable);
  g_clear_object (&priv->rescue);

  G_OBJECT_CLASS (ub_page_parent_class)->dispose (object);
}

static void
ub_page_finalize (GObject *object)
{
  UbPagePrivate *priv = ub_page_get_instance_private (UB_PAGE (object));

  g_clear_pointer (&priv->title, g_free);
  g_clear_pointer (&priv->next_label, g_free);

  G_OBJECT_CLASS (ub_page_parent_class)->finalize (object);
}

static void
ub_page_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  UbPage *self = UB_PAGE (object);
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_RESCUE:
      g_value_set_object (value, priv->rescue);
      break;
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, priv->complete);
      break;
    case PROP_APPLYING:
      g_value_set_boolean (value, priv->applying);
      break;
    case PROP_NEXT_LABEL:
      g_value_set_string (value, priv->next_label);
      break;
    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, priv->can_go_back);
      break;
    case PROP_NEEDED:
      g_value_set_boolean (value, priv->needed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_page_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  UbPage *self = UB_PAGE (object);
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_RESCUE:
      priv->rescue = g_value_dup_object (value);
      break;
    case PROP_TITLE:
      ub_page_set_title (self, g_value_get_string (value));
      break;
    case PROP_COMPLETE:
      ub_page_set_complete (self, g_value_get_boolean (value));
      break;
    case PROP_NEXT_LABEL:
      ub_page_set_next_label (self, g_value_get_string (value));
      break;
    case PROP_CAN_GO_BACK:
      ub_page_set_can_go_back (self, g_value_get_boolean (value));
      break;
    case PROP_NEEDED:
      ub_page_set_needed (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
ub_page_real_apply (UbPage       *page,
                    GCancellable *cancellable)
{
  return FALSE;
}

static void
ub_page_class_init (UbPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = ub_page_dispose;
  object_class->finalize = ub_page_finalize;
  object_class->get_property = ub_page_get_property;
  object_class->set_property = ub_page_set_property;
  klass->apply = ub_page_real_apply;

  properties[PROP_RESCUE] =
    g_param_spec_object ("rescue", NULL, NULL, UB_TYPE_RESCUE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, "", rw);
  properties[PROP_COMPLETE] = g_param_spec_boolean ("complete", NULL, NULL, FALSE, rw);
  properties[PROP_APPLYING] =
    g_param_spec_boolean ("applying", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NEXT_LABEL] = g_param_spec_string ("next-label", NULL, NULL, NULL, rw);
  properties[PROP_CAN_GO_BACK] = g_param_spec_boolean ("can-go-back", NULL, NULL, TRUE,
                                                       rw | G_PARAM_CONSTRUCT);
  /**
   * UbPage:needed:
   *
   * Whether the page belongs to the current rescue: Next and Back pass over a
   * page that is not needed, and the page count leaves it out.
   */
  properties[PROP_NEEDED] = g_param_spec_boolean ("needed", NULL, NULL, TRUE, rw | G_PARAM_CONSTRUCT);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * UbPage::apply-done:
   * @valid: whether the page may be left
   */
  signals[APPLY_DONE] =
    g_signal_new ("apply-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  /**
   * UbPage::request-next:
   *
   * The page is done and asks the assistant to move on by itself (the guide
   * page when the phone arrives in DFU mode).
   */
  signals[REQUEST_NEXT] =
    g_signal_new ("request-next", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ub_page_init (UbPage *self)
{
}

UbRescue *
ub_page_get_rescue (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_val_if_fail (UB_IS_PAGE (self), NULL);
  return priv->rescue;
}

const char *
ub_page_get_title (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_val_if_fail (UB_IS_PAGE (self), NULL);
  return priv->title ? priv->title : "";
}

void
ub_page_set_title (UbPage     *self,
                   const char *title)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_if_fail (UB_IS_PAGE (self));

  if (g_strcmp0 (priv->title, title) == 0)
    return;
  g_free (priv->title);
  priv->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

gboolean
ub_page_get_complete (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_val_if_fail (UB_IS_PAGE (self), FALSE);
  return priv->complete;
}

void
ub_page_set_complete (UbPage   *self,
                      gboolean  complete)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_if_fail (UB_IS_PAGE (self));

  complete = !!complete;
  if (priv->complete == complete)
    return;
  g_debug ("%s complete: %s", G_OBJECT_TYPE_NAME (self), complete ? "yes" : "no");
  priv->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

gboolean
ub_page_get_applying (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_val_if_fail (UB_IS_PAGE (self), FALSE);
  return priv->applying;
}

/**
 * ub_page_get_next_label:
 *
 * Returns: (nullable): a label for the Next button, when "Next" is not the
 *   clearest word ("Start", "Done")
 */
const char *
ub_page_get_next_label (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_val_if_fail (UB_IS_PAGE (self), NULL);
  return priv->next_label;
}

void
ub_page_set_next_label (UbPage     *self,
                        const char *label)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_if_fail (UB_IS_PAGE (self));

  if (g_strcmp0 (priv->next_label, label) == 0)
    return;
  g_free (priv->next_label);
  priv->next_label = g_strdup (label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_LABEL]);
}

gboolean
ub_page_get_can_go_back (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_val_if_fail (UB_IS_PAGE (self), FALSE);
  return priv->can_go_back;
}

void
ub_page_set_can_go_back (UbPage   *self,
                         gboolean  can_go_back)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_if_fail (UB_IS_PAGE (self));

  can_go_back = !!can_go_back;
  if (priv->can_go_back == can_go_back)
    return;
  priv->can_go_back = can_go_back;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
}

gboolean
ub_page_get_needed (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_val_if_fail (UB_IS_PAGE (self), FALSE);
  return priv->needed;
}

void
ub_page_set_needed (UbPage   *self,
                    gboolean  needed)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_if_fail (UB_IS_PAGE (self));

  needed = !!needed;
  if (priv->needed == needed)
    return;
  priv->needed = needed;
  g_debug ("%s is %s", G_OBJECT_TYPE_NAME (self), needed ? "needed" : "not needed");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDED]);
}

void
ub_page_shown (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  g_debug ("Page shown: %s", G_OBJECT_TYPE_NAME (self));
  if (UB_PAGE_GET_CLASS (self)->shown)
    UB_PAGE_GET_CLASS (self)->shown (self);
}

void
ub_page_hidden (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));

  if (UB_PAGE_GET_CLASS (self)->hidden)
    UB_PAGE_GET_CLASS (self)->hidden (self);
}

static void
set_applying (UbPage   *self,
              gboolean  applying)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  if (priv->applying == applying)
    return;
  priv->applying = applying;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPLYING]);
}

/**
 * ub_page_apply_begin:
 *
 * Runs the page's apply step; "apply-done" follows, at once or later.
 */
void
ub_page_apply_begin (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_if_fail (UB_IS_PAGE (self));
  g_return_if_fail (!priv->applying);

  g_clear_object (&priv->apply_cancellable);
  priv->apply_cancellable = g_cancellable_new ();
  set_applying (self, TRUE);
  if (!UB_PAGE_GET_CLASS (self)->apply (self, priv->apply_cancellable))
    ub_page_apply_complete (self, TRUE);
}

void
ub_page_apply_cancel (UbPage *self)
{
  UbPagePrivate *priv = ub_page_get_instance_private (self);

  g_return_if_fail (UB_IS_PAGE (self));

  if (priv->apply_cancellable != NULL)
    g_cancellable_cancel (priv->apply_cancellable);
}

void
ub_page_apply_complete (UbPage   *self,
                        gboolean  valid)
{
  g_return_if_fail (UB_IS_PAGE (self));

  set_applying (self, FALSE);
  g_signal_emit (self, signals[APPLY_DONE], 0, valid);
}

void
ub_page_request_next (UbPage *self)
{
  g_return_if_fail (UB_IS_PAGE (self));
  g_signal_emit (self, signals[REQUEST_NEXT], 0);
}
