// The schedules and the checkpoint store moved from the trainer to the SDK (namespace P2Gan.Training).
global using P2Gan.Training;
