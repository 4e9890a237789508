// LearningEvents: placeholder until its issue lands.
