namespace MLOps.Cli.Data;

/// <summary>Opens a data file by its extension: <c>.csv</c> (also <c>.tsv</c>, tab-separated) or <c>.parquet</c>.</summary>
internal static class TableFile
{
    public static ITableSource Open(string path, char? separator = null)
    {
        string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".csv" or ".txt" => CsvSource.Open(path, separator ?? ','),
            ".tsv" => CsvSource.Open(path, separator ?? '\t'),
            ".parquet" or ".parq" => ParquetSource.Open(path),
            _ => throw new CliException($"{path}: unknown file type '{extension}'; use a .csv, .tsv or .parquet file."),
        };
    }
}
