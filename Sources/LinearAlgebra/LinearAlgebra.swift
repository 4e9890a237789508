// LinearAlgebra: placeholder until its issue lands.
