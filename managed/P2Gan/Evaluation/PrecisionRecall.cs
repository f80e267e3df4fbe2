namespace P2Gan.Evaluation;

/// <summary>
/// Improved precision and recall (Kynkaanniemi et al. 2019): Precision is the fraction of
/// fake samples inside the real k-NN manifold, Recall the fraction of real samples inside
/// the fake one. Both in [0, 1].
/// </summary>
public readonly record struct PrecisionRecall(double Precision, double Recall);
