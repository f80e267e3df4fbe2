// The schedules and the checkpoint store moved to the SDK (namespace P2Gan.Training).
global using P2Gan.Training;
