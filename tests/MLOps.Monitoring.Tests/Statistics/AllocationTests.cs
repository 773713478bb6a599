using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Tests.Statistics;

public class AllocationTests
{
    private static readonly double[] Reference = Sample(3000, 0);
    private static readonly double[] Current = Sample(2000, 0.3);
    private static readonly double[] Edges = Binning.QuantileEdges(Reference);

    [Fact]
    public void Kernel_AfterWarmUp_AllocatesNothing()
    {
        var counts = new double[Edges.Length - 1];
        var referenceCounts = new double[Edges.Length - 1];
        var adjusted = new double[3];
        double[] pValues = [0.2, 0.01, 0.5];
        Binning.Count(Edges, Reference, referenceCounts);

        void RunAll()
        {
            KolmogorovSmirnov.TwoSample(Reference, Current);
            KolmogorovSmirnov.TwoSample(Reference, Current.AsSpan(0, 1500));
            Wasserstein.NormedDistance(Reference, Current);
            Binning.Count(Edges, Current, counts);
            ChiSquare.GoodnessOfFit(referenceCounts, counts);
            PopulationStabilityIndex.FromCounts(referenceCounts, counts);
            JensenShannon.Distance(referenceCounts, counts);
            Hellinger.Distance(referenceCounts, counts);
            MultipleTesting.BenjaminiHochberg(pValues, adjusted);
            ZTest.TwoProportions(10, 100, 20, 100);
        }

        RunAll();
        RunAll();
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunAll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ExperimentStatistics_AfterWarmUp_AllocateNothing()
    {
        var options = new SequentialTestOptions();
        long[] assignments = [5040, 4960];
        double[] weights = [50, 50];
        SampleMoments control = default, treatment = default;

        void RunAll()
        {
            foreach (double v in Reference)
            {
                control.Add(v);
            }

            foreach (double v in Current)
            {
                treatment.Add(v > 0.8);
            }

            SampleMoments merged = control;
            merged.Merge(treatment);
            WelchTTest.TwoSample(Reference, Current);
            WelchTTest.FromMoments(control, treatment, 0.99);
            SequentialTestResult first = MixtureSequentialTest.Evaluate(control, treatment, options);
            MixtureSequentialTest.Evaluate(control, merged, options, first);
            MixtureSequentialTest.EvaluateProportions(100, 1000, 120, 1000, options, first);
            MixtureSequentialTest.MixtureVarianceForEffect(0.1);
            SampleRatioMismatch.Test(assignments, weights);
        }

        RunAll();
        RunAll();
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunAll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    private static double[] Sample(int count, double shift)
    {
        var random = new Random(1234);
        return [.. Enumerable.Range(0, count).Select(_ => Math.Round(random.NextDouble() + shift, 3))];
    }
}
