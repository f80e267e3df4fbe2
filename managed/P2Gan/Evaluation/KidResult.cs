namespace P2Gan.Evaluation;

/// <summary>Kernel Inception Distance: mean and population standard deviation over subsets.</summary>
public readonly record struct KidResult(double Mean, double Std);
