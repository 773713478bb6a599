using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>The webhook JSON, Slack and email renderings of a notification (written with <see cref="Utf8JsonWriter"/>: no reflection).</summary>
internal static class AlertPayloads
{
    public const int WebhookVersion = 1;

    /// <summary>The generic webhook body; documented in the package README.</summary>
    public static byte[] Webhook(AlertNotification notification)
    {
        Alert alert = notification.Alert;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", WebhookVersion);
            json.WriteString("status", AlertingMetrics.StatusName(alert.Status));
            json.WriteBoolean("repeat", notification.IsRepeat);
            json.WriteString("service", notification.ServiceName);
            json.WriteString("rule", alert.Rule.Name);
            json.WriteString("kind", AlertingMetrics.KindName(alert.Rule.Kind));
            json.WriteString("severity", AlertingMetrics.SeverityName(alert.Rule.Severity));
            json.WriteString("summary", alert.Summary);
            WriteNumber(json, "value", alert.Value);
            if (alert.Rule.Kind is AlertRuleKind.QualityBelow or AlertRuleKind.QualityAbove or AlertRuleKind.ErrorRateAbove or AlertRuleKind.LatencyP95Above)
            {
                WriteNumber(json, "threshold", alert.Rule.Threshold);
            }
            else
            {
                json.WriteNull("threshold");
            }

            json.WriteStartObject("labels");
            foreach (KeyValuePair<string, string> label in alert.Labels)
            {
                json.WriteString(label.Key, label.Value);
            }

            json.WriteEndObject();
            json.WriteString("fingerprint", alert.Fingerprint);
            json.WriteString("activeSince", alert.ActiveSince);
            WriteTime(json, "firingSince", alert.FiringSince);
            WriteTime(json, "resolvedAt", alert.ResolvedAt);
            json.WriteString("timestamp", notification.Timestamp);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A Slack incoming-webhook message: <c>text</c> (the notification fallback) and Block Kit <c>blocks</c>.</summary>
    public static byte[] Slack(AlertNotification notification)
    {
        Alert alert = notification.Alert;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("text", Title(notification) + ": " + alert.Summary);
            json.WriteStartArray("blocks");

            json.WriteStartObject();
            json.WriteString("type", "header");
            WriteText(json, "plain_text", Truncate(Title(notification), 150));
            json.WriteEndObject();

            json.WriteStartObject();
            json.WriteString("type", "section");
            WriteText(json, "mrkdwn", Truncate(Escape(alert.Summary), 3000));
            json.WriteStartArray("fields");
            WriteField(json, "Severity", AlertingMetrics.SeverityName(alert.Rule.Severity));
            WriteField(json, "Service", notification.ServiceName);
            WriteField(json, "Value", alert.Value.ToString("0.####", CultureInfo.InvariantCulture));
            WriteField(json, "Since", (alert.FiringSince ?? alert.ActiveSince).ToString("u", CultureInfo.InvariantCulture));
            json.WriteEndArray();
            json.WriteEndObject();

            if (alert.Labels.Count > 0)
            {
                json.WriteStartObject();
                json.WriteString("type", "context");
                json.WriteStartArray("elements");
                json.WriteStartObject();
                json.WriteString("type", "mrkdwn");
                json.WriteString("text", Truncate(string.Join("  ", alert.Labels.Select(l => $"`{Escape(l.Key)}={Escape(l.Value)}`")), 3000));
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string EmailSubject(AlertNotification notification, string prefix) =>
        (prefix.Length > 0 ? prefix + " " : "") + Title(notification);

    public static string EmailBody(AlertNotification notification)
    {
        Alert alert = notification.Alert;
        var text = new StringBuilder();
        text.AppendLine(alert.Summary).AppendLine();
        Line(text, "Status", AlertingMetrics.StatusName(alert.Status) + (notification.IsRepeat ? " (still firing)" : ""));
        Line(text, "Rule", alert.Rule.Name);
        Line(text, "Severity", AlertingMetrics.SeverityName(alert.Rule.Severity));
        Line(text, "Service", notification.ServiceName);
        Line(text, "Value", alert.Value.ToString("0.######", CultureInfo.InvariantCulture));
        foreach (KeyValuePair<string, string> label in alert.Labels)
        {
            Line(text, label.Key, label.Value);
        }

        Line(text, "Active since", alert.ActiveSince.ToString("u", CultureInfo.InvariantCulture));
        if (alert.ResolvedAt is { } resolved)
        {
            Line(text, "Resolved at", resolved.ToString("u", CultureInfo.InvariantCulture));
        }

        Line(text, "Fingerprint", alert.Fingerprint);
        return text.ToString();
    }

    public static string Title(AlertNotification notification)
    {
        Alert alert = notification.Alert;
        string status = alert.Status == AlertStatus.Resolved ? "RESOLVED" : "FIRING";
        return $"[{status}] {AlertingMetrics.SeverityName(alert.Rule.Severity)}: {alert.Rule.Name}{LabelHint(alert)}";
    }

    private static string LabelHint(Alert alert) =>
        alert.Labels.TryGetValue(WatchedInstruments.ModelNameTag, out string? model) && model.Length > 0 ? $" ({model})" : "";

    private static void Line(StringBuilder text, string name, string value) =>
        text.Append(name).Append(": ").Append(value).AppendLine();

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            json.WriteString(name, time);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteText(Utf8JsonWriter json, string type, string text)
    {
        json.WriteStartObject("text");
        json.WriteString("type", type);
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    private static void WriteField(Utf8JsonWriter json, string name, string value)
    {
        json.WriteStartObject();
        json.WriteString("type", "mrkdwn");
        json.WriteString("text", $"*{name}*\n{Escape(value)}");
        json.WriteEndObject();
    }

    /// <summary>Slack's three control characters in mrkdwn.</summary>
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
