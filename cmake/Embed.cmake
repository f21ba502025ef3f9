# kariz_embed(INPUT SYMBOL OUTPUT): turn a text file into a C source that
# defines `const char SYMBOL[]` (NUL-terminated) and `const size_t SYMBOL_len`.
function(kariz_embed input symbol output)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DSYMBOL=${symbol} -DOUTPUT=${output}
            -P ${CMAKE_SOURCE_DIR}/cmake/EmbedFile.cmake
    DEPENDS ${input} ${CMAKE_SOURCE_DIR}/cmake/EmbedFile.cmake
    COMMENT "Embedding ${input}")
endfunction()
