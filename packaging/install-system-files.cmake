# Runs at install time (`cmake --install`, and CPack while it stages the .deb), when the real
# prefix is known: /usr for the package, /usr/local by default from a source tree. Writes the
# systemd units with the programs' installed paths and the system config file.
# Set before it runs: FLOORWATCH_SOURCE_DIR, FLOORWATCH_PACKAGED_CONFIG.

set(root "$ENV{DESTDIR}")
set(bindir "${CMAKE_INSTALL_PREFIX}/bin")
# GNUInstallDirs' rule: the /usr prefix keeps its configuration in /etc, any other in PREFIX/etc.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(sysconfdir "/etc")
else()
  set(sysconfdir "${CMAKE_INSTALL_PREFIX}/etc")
endif()

# The units in config/systemd/ name /usr/local/bin (a source install); point them at this one.
foreach(unit floorwatchd.service floorwatch-collector@.service user/floorwatch-wallboard.service)
  file(READ "${FLOORWATCH_SOURCE_DIR}/config/systemd/${unit}" text)
  string(REPLACE "/usr/local/bin/" "${bindir}/" text "${text}")
  if(unit MATCHES "^user/")
    get_filename_component(name "${unit}" NAME)
    set(target "${root}${CMAKE_INSTALL_PREFIX}/lib/systemd/user/${name}")
  else()
    set(target "${root}${CMAKE_INSTALL_PREFIX}/lib/systemd/system/${unit}")
  endif()
  message(STATUS "Installing: ${target}")
  file(WRITE "${target}" "${text}")
endforeach()

# Never overwrite an administrator's config from a source install; dpkg handles its own
# conffile upgrades. The package's postinst makes it root:floorwatch 0640.
set(config "${root}${sysconfdir}/floorwatch/floorwatch.yaml")
if(NOT root STREQUAL "" OR NOT EXISTS "${config}")
  # file(INSTALL) adds DESTDIR itself, and says what it installs.
  file(INSTALL "${FLOORWATCH_PACKAGED_CONFIG}" DESTINATION "${sysconfdir}/floorwatch"
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
else()
  message(STATUS "Up-to-date (kept, it is yours): ${config}")
endif()
