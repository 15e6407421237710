# ctest VectorKernels.IsaObjectsShareNoInstantiations: the objects built with
# -mavx2 / -mavx512f (src/infer/vector_kernels_*.cpp) must define no weak
# symbols. The linker keeps one copy of each weak instantiation (say
# std::vector<float>::assign) for the whole program; an AVX-512 copy chosen
# there would then run, from baseline code, on CPUs without AVX-512.
#   cmake -DOBJECTS="<object;...>" -DNM=nm -P check_isa_objects.cmake
set(checked 0)
foreach(obj IN LISTS OBJECTS)
  if(NOT obj MATCHES "vector_kernels_avx")
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  execute_process(COMMAND ${NM} -C ${obj} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} -C ${obj} failed (exit ${rc})")
  endif()
  string(REGEX MATCHALL "[^\n]* [WVu] [^\n]*" weak "${symbols}")
  list(FILTER weak EXCLUDE REGEX "DW\\.ref\\.__gxx_personality_v0")
  if(weak)
    string(REPLACE ";" "\n  " weak "${weak}")
    message(FATAL_ERROR "${obj}: expected no weak symbols in an object built for wider vectors, found:\n  ${weak}")
  endif()
endforeach()
if(checked LESS 2)
  message(FATAL_ERROR "expected the two vector_kernels_avx*.cpp objects among OBJECTS, found ${checked}")
endif()
message(STATUS "${checked} vector-kernel objects: no weak symbols")
