namespace P2Gan.Evaluation;

/// <summary>Inception Score: mean and population standard deviation over splits.</summary>
public readonly record struct InceptionScoreResult(double Mean, double Std);
