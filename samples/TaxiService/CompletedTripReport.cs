namespace TaxiService;

/// <summary>The body of <c>POST /trips/completed</c>.</summary>
public sealed record CompletedTripReport(string? PredictionId, TaxiTrip? Trip);
