"""The harmonizer backend (issue 19): writes any of four voices given the others, with a Coconet-style
convolutional net over the voices' piano rolls and blocked Gibbs sampling (Huang, Cooijmans, Roberts,
Courville and Eck, "Counterpoint by Convolution", 2017). One model both harmonizes a melody (alto, tenor
and bass under it) and adds a part (one voice in a role and register, hearing the others)."""

from musicstudio.generators.family import Backend

BACKEND = Backend(
    name="harmonizer", summary="writes alto, tenor and bass under a melody, or one part beside the others: a "
                               "Coconet-style convolutional net over four voices, blocked Gibbs sampling",
    implementation="musicstudio.generators.harmonizer.backend")
